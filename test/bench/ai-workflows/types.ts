/** The shape of one AI workflow's end-to-end bench case (test/bench/ai-workflows.ts runs them). */
import type { FastifyInstance } from 'fastify';
import type { TestStack } from '../../helpers/stack.js';

export interface AiBenchContext {
  app: FastifyInstance;
  stack: TestStack;
  adminHeaders: Record<string, string>;
  i: number;
}

export interface AiWorkflowCase {
  name: string;
  prepare(ctx: AiBenchContext): Promise<void>;
  run(ctx: AiBenchContext): Promise<void>;
}
