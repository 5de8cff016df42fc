import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, defineRouter, defineWorkflow } from './definition.js';
import { DuplicateWorkflowError, UnknownWorkflowError, WorkflowDefinitionError } from './errors.js';
import { toMermaid } from './mermaid.js';
import { WorkflowRegistry } from './registry.js';
import type { Workflow } from './types.js';

const n = (id: string) => defineNode({ id, description: `does ${id}`, process: () => id });

const notify = defineWorkflow({
  name: 'notify',
  description: 'send a message on every channel',
  event: z.object({ to: z.string() }),
  start: 'channels',
  nodes: [
    { node: n('channels'), connections: ['route'] },
    { node: defineRouter({ id: 'route', route: () => 'email' }), connections: ['email', 'skip'] },
    { node: n('email'), connections: ['track'], concurrent: { nodes: ['sms', 'in-app'], limit: 1 } },
    { node: n('sms') },
    { node: n('in-app') },
    { node: n('skip') },
    { node: n('track') },
  ],
});

describe('toMermaid', () => {
  it('draws the start, routers as diamonds, branches, concurrent children and ends', () => {
    const text = toMermaid(notify);
    const lines = text.split('\n').map((l) => l.trim());
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('__start --> n_channels');
    expect(lines).toContain('n_route{"route"}');
    expect(lines).toContain('n_channels["channels"]');
    expect(lines).toContain('n_channels --> n_route');
    expect(lines).toContain('n_route --> n_email');
    expect(lines).toContain('n_route --> n_skip');
    expect(lines).toContain('n_email --> n_track');
    expect(lines).toContain('n_email -.->|concurrent| n_sms');
    expect(lines).toContain('n_email -.->|concurrent| n_in_app');
    expect(lines).toContain('n_in_app["in-app"]');
    expect(lines).toContain('n_track --> __end((end))');
    expect(lines).not.toContain('n_sms --> __end((end))');
  });
});

describe('WorkflowRegistry', () => {
  it('registers, lists and describes workflows', () => {
    const registry = new WorkflowRegistry();
    registry.register(notify);
    expect(registry.has('notify')).toBe(true);
    expect(registry.get('notify')).toBe(notify);
    expect(registry.list()).toEqual([{ name: 'notify', description: 'send a message on every channel', nodeCount: 7 }]);
    const d = registry.describe('notify');
    expect(d.start).toBe('channels');
    expect(d.mermaid).toBe(toMermaid(notify));
    expect(d.nodes.find((x) => x.id === 'route')).toMatchObject({ kind: 'router', connections: ['email', 'skip'] });
    expect(d.nodes.find((x) => x.id === 'email')).toMatchObject({
      kind: 'node',
      description: 'does email',
      concurrent: { nodes: ['sms', 'in-app'], limit: 1 },
      compensable: false,
      timeoutMs: null,
    });
  });

  it('rejects a duplicate name', () => {
    const registry = new WorkflowRegistry();
    registry.register(notify);
    expect(() => registry.register(notify)).toThrow(DuplicateWorkflowError);
  });

  it('throws UnknownWorkflowError for an unknown name', () => {
    const registry = new WorkflowRegistry();
    expect(() => registry.get('nope')).toThrow(UnknownWorkflowError);
    expect(() => registry.describe('nope')).toThrow(/unknown workflow "nope"/);
  });

  it('validates a workflow object again on register', () => {
    const registry = new WorkflowRegistry();
    const handMade: Workflow = { name: 'hand-made', description: '', event: z.unknown(), start: 'a', nodes: [{ node: n('a'), connections: ['zz'] }] };
    expect(() => registry.register(handMade)).toThrow(WorkflowDefinitionError);
    expect(registry.has('hand-made')).toBe(false);
  });
});
