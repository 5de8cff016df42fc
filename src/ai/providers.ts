/**
 * The configured providers as Vercel AI SDK language models. Settings come only from AppConfig
 * (every key and base URL is passed explicitly, so the SDKs never read the environment themselves).
 *
 * - openai: `@ai-sdk/openai`, the Responses API (`POST {OPENAI_BASE_URL}/responses`, JSON schema output).
 * - anthropic: `@ai-sdk/anthropic`, the Messages API (`POST {ANTHROPIC_BASE_URL}/messages`; structured
 *   output through `output_config.format` on the models that support it, a forced `json` tool on older ones).
 * - compatible: `@ai-sdk/openai-compatible`, Chat Completions (`POST {AI_COMPATIBLE_BASE_URL}/chat/completions`
 *   with a `json_schema` response format), for a model served on the school's own machine.
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { AiProviderConfig, AiProviderName } from '../config.js';

export interface AiProvider {
  readonly name: AiProviderName;
  readonly model: string;
  readonly languageModel: LanguageModel;
}

export function createProvider(config: AiProviderConfig): AiProvider {
  switch (config.name) {
    case 'openai': {
      const openai = createOpenAI({ apiKey: config.apiKey ?? '', baseURL: config.baseUrl });
      return { name: 'openai', model: config.model, languageModel: openai.responses(config.model) };
    }
    case 'anthropic': {
      const anthropic = createAnthropic({ apiKey: config.apiKey ?? '', baseURL: config.baseUrl });
      return { name: 'anthropic', model: config.model, languageModel: anthropic.messages(config.model) };
    }
    case 'compatible': {
      const compatible = createOpenAICompatible({ name: 'compatible', baseURL: config.baseUrl, supportsStructuredOutputs: true });
      return { name: 'compatible', model: config.model, languageModel: compatible.chatModel(config.model) };
    }
  }
}
