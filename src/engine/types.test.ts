import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { TaskContext } from './context.js';
import { defineNode, defineRouter, defineWorkflow } from './definition.js';
import type { Workflow } from './types.js';

const Event = z.object({ studentId: z.number(), note: z.string().default('') });
type Event = z.output<typeof Event>;

const load = defineNode({
  id: 'load',
  output: z.object({ name: z.string() }),
  process: async (ctx: TaskContext<Event>) => ({ name: `student ${ctx.event.studentId}` }),
  compensate: (_ctx, output) => {
    expectTypeOf(output).toEqualTypeOf<{ name: string }>();
  },
});

describe('type inference (checked by tsc)', () => {
  it('infers the event type of the workflow and the output types of nodes', () => {
    const greet = defineNode({
      id: 'greet',
      process: (ctx: TaskContext<Event>) => {
        expectTypeOf(ctx.event.note).toEqualTypeOf<string>();
        expectTypeOf(ctx.output(load)).toEqualTypeOf<{ name: string } | undefined>();
        return `hello ${ctx.output(load)?.name ?? '?'}`;
      },
    });
    const generic = defineNode({ id: 'generic', process: () => 1 });
    const wf = defineWorkflow({
      name: 'typed',
      event: Event,
      start: 'load',
      nodes: [{ node: load, connections: ['greet'] }, { node: greet, connections: ['generic'] }, { node: generic }],
    });
    expectTypeOf(wf).toEqualTypeOf<Workflow<Event>>();
  });

  it('rejects a node written for another event type', () => {
    const other = defineNode({ id: 'other', process: (ctx: TaskContext<{ courseId: string }>) => ctx.event.courseId });
    const wrongRouter = defineRouter({ id: 'r', route: (ctx: TaskContext<{ kind: 'a' | 'b' }>) => ctx.event.kind });
    defineWorkflow({
      name: 'mismatch',
      event: Event,
      start: 'other',
      // @ts-expect-error other needs { courseId: string }, the workflow's event has none
      nodes: [{ node: other }],
    });
    expectTypeOf(wrongRouter.kind).toEqualTypeOf<'router'>();
  });
});
