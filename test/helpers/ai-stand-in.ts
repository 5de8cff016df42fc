import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the AI providers' HTTP APIs, enough for structured output through the real
 * Vercel AI SDK providers: OpenAI's Responses API (`POST /v1/responses`, what `@ai-sdk/openai`
 * uses), Chat Completions (`POST /v1/chat/completions`, what `@ai-sdk/openai-compatible` uses) and
 * Anthropic's Messages API (`POST /v1/messages`: a text answer for `output_config.format`, a
 * `tool_use` of the `json` tool when the request forces that tool). Point a provider's base URL
 * at `standIn.url` (it ends in `/v1`).
 *
 * What it answers is scripted: `plan(...)` queues answers for the next requests, in order; when
 * the queue is empty `respond(request)` decides (default: HTTP 500). It records every request's
 * exact body, so tests can check what left the machine.
 */

/** One scripted answer. */
export type StandInAnswer =
  /** A structured answer: `value` as the model's JSON text. */
  | { kind: 'json'; value: unknown; inputTokens?: number; outputTokens?: number /** Held this long before answering (ms, like a model thinking); default 0. */; delayMs?: number }
  /** Raw text as the model's answer (e.g. not JSON at all). */
  | { kind: 'text'; text: string; inputTokens?: number; outputTokens?: number }
  /** An HTTP error with the provider's error body (500, 429 …). */
  | { kind: 'status'; status: number }
  /** No answer until the stand-in closes (a call that times out). */
  | { kind: 'hang' };

export interface StandInRequest {
  path: string;
  headers: IncomingMessage['headers'];
  /** The body exactly as received. */
  raw: string;
  /** The body parsed as JSON. */
  body: Record<string, unknown>;
  /** performance.now() when the request arrived. */
  arrivedAt: number;
  /** Milliseconds from its arrival to the end of the answer (set once answered). */
  heldMs?: number;
}

export interface AiStandIn {
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  requests: StandInRequest[];
  /** Queues answers for the next requests. */
  plan(...answers: StandInAnswer[]): void;
  /** Decides when nothing is queued. */
  respond: (request: StandInRequest) => StandInAnswer;
  close(): Promise<void>;
}

const DEFAULT_INPUT_TOKENS = 1000;
const DEFAULT_OUTPUT_TOKENS = 500;

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export async function startAiStandIn(): Promise<AiStandIn> {
  const queue: StandInAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  const standIn: AiStandIn = {
    url: '',
    requests: [],
    plan: (...answers) => queue.push(...answers),
    respond: () => ({ kind: 'status', status: 500 }),
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    void (async () => {
      const raw = await readBody(req);
      const request: StandInRequest = { path: new URL(req.url ?? '/', 'http://stand-in').pathname, headers: req.headers, raw, body: JSON.parse(raw || '{}'), arrivedAt };
      res.on('finish', () => {
        request.heldMs = performance.now() - arrivedAt;
      });
      standIn.requests.push(request);
      const answer = queue.shift() ?? standIn.respond(request);
      if (answer.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (answer.kind === 'status') {
        const anthropic = request.path.endsWith('/messages');
        const error = anthropic
          ? { type: 'error', error: { type: answer.status === 429 ? 'rate_limit_error' : 'api_error', message: `stand-in answered ${answer.status}` } }
          : { error: { message: `stand-in answered ${answer.status}`, type: answer.status === 429 ? 'rate_limit_exceeded' : 'server_error', param: null, code: null } };
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(error));
        return;
      }
      if (answer.kind === 'json' && answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      const text = answer.kind === 'json' ? JSON.stringify(answer.value) : answer.text;
      const usage = { input: answer.inputTokens ?? DEFAULT_INPUT_TOKENS, output: answer.outputTokens ?? DEFAULT_OUTPUT_TOKENS };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(providerAnswer(request, text, usage)));
    })().catch((error: unknown) => res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return standIn;
}

/** The answer body of each API around the model's `text`. */
function providerAnswer(request: StandInRequest, text: string, usage: { input: number; output: number }): unknown {
  const model = String(request.body.model ?? 'unknown');
  if (request.path.endsWith('/responses')) {
    return {
      id: 'resp_standin',
      object: 'response',
      created_at: 1_767_225_600,
      status: 'completed',
      model,
      output: [{ type: 'message', id: 'msg_standin', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
      usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output },
    };
  }
  if (request.path.endsWith('/chat/completions')) {
    return {
      id: 'chatcmpl_standin',
      object: 'chat.completion',
      created: 1_767_225_600,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    };
  }
  if (request.path.endsWith('/messages')) {
    const tools = Array.isArray(request.body.tools) ? (request.body.tools as Array<{ name?: string }>) : [];
    const jsonTool = tools.some((tool) => tool.name === 'json');
    let content: unknown[] = [{ type: 'text', text }];
    if (jsonTool) {
      let input: unknown = text;
      try {
        input = JSON.parse(text);
      } catch {
        // Not JSON: the tool input stays the raw text, which the SDK will refuse as invalid.
      }
      content = [{ type: 'tool_use', id: 'toolu_standin', name: 'json', input }];
    }
    return {
      id: 'msg_standin',
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: jsonTool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    };
  }
  throw new Error(`the AI stand-in does not serve ${request.path}`);
}
