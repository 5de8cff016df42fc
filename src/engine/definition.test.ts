import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode, defineRouter, defineWorkflow } from './definition.js';
import { WorkflowDefinitionError, type WorkflowDefinitionErrorCode } from './errors.js';
import type { NodeConfig } from './types.js';

const Event = z.object({ id: z.number() });
const n = (id: string, extra: Partial<Parameters<typeof defineNode>[0]> = {}) => defineNode({ id, process: () => ({ id }), ...extra });
const r = (id: string) => defineRouter({ id, route: () => 'x' });

function build(nodes: NodeConfig[], start = 'a') {
  return () => defineWorkflow({ name: 'wf-under-test', event: Event, start, nodes });
}

/** Asserts the definition throws a WorkflowDefinitionError with that code, naming the node. */
function expectDefinitionError(fn: () => unknown, code: WorkflowDefinitionErrorCode, node: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WorkflowDefinitionError);
  const e = caught as WorkflowDefinitionError;
  expect(e.code).toBe(code);
  expect(e.workflow).toBe('wf-under-test');
  expect(e.node).toBe(node);
  expect(e.message).toContain('"wf-under-test"');
  expect(e.message).toContain(`"${node}"`);
}

describe('defineWorkflow validation', () => {
  it('accepts a valid workflow with a router, branches and concurrent children', () => {
    const wf = build([
      { node: n('a'), connections: ['route'] },
      { node: r('route'), connections: ['b', 'c'], router: true },
      { node: n('b'), connections: ['d'] },
      { node: n('c'), connections: ['d'] },
      { node: n('d'), concurrent: { nodes: ['k1', 'k2'], limit: 1 } },
      { node: n('k1') },
      { node: n('k2') },
    ])();
    expect(wf.name).toBe('wf-under-test');
    expect(wf.nodes).toHaveLength(7);
  });

  it('rejects a cycle', () => {
    const fn = build([
      { node: n('a'), connections: ['b'] },
      { node: n('b'), connections: ['c'] },
      { node: n('c'), connections: ['a'] },
    ]);
    expectDefinitionError(fn, 'cycle', 'c');
    expect(() => fn()).toThrow(/a → b → c → a/);
  });

  it('rejects a self-loop', () => {
    expectDefinitionError(build([{ node: n('a'), connections: ['a'] }]), 'cycle', 'a');
  });

  it('rejects an unreachable node', () => {
    expectDefinitionError(build([{ node: n('a') }, { node: n('lost') }]), 'unreachable', 'lost');
  });

  it('rejects a connection to an undeclared node', () => {
    expectDefinitionError(build([{ node: n('a'), connections: ['ghost'] }]), 'unknown_target', 'a');
  });

  it('rejects duplicate ids', () => {
    expectDefinitionError(build([{ node: n('a') }, { node: n('a') }]), 'duplicate_id', 'a');
  });

  it('rejects a non-router with more than one connection', () => {
    const fn = build([{ node: n('a'), connections: ['b', 'c'] }, { node: n('b') }, { node: n('c') }]);
    expectDefinitionError(fn, 'multiple_connections', 'a');
  });

  it('rejects a router without connections', () => {
    expectDefinitionError(build([{ node: n('a'), connections: ['route'] }, { node: r('route') }]), 'router_without_connections', 'route');
  });

  it('rejects a router flag that contradicts the node kind', () => {
    const fn = build([{ node: n('a'), connections: ['b'], router: true }, { node: n('b') }]);
    expectDefinitionError(fn, 'router_mismatch', 'a');
  });

  it('rejects an unknown start node', () => {
    expectDefinitionError(build([{ node: n('a') }], 'nowhere'), 'unknown_start', 'nowhere');
  });

  it('rejects concurrent nodes that are not declared', () => {
    expectDefinitionError(build([{ node: n('a'), concurrent: { nodes: ['ghost'] } }]), 'unknown_concurrent_node', 'a');
  });

  it('rejects a concurrent child that is also a connection target', () => {
    const fn = build([{ node: n('a'), connections: ['k'], concurrent: { nodes: ['k'] } }, { node: n('k') }]);
    expectDefinitionError(fn, 'concurrent_child_conflict', 'a');
  });

  it('rejects a concurrent child with connections of its own', () => {
    const fn = build([{ node: n('a'), connections: ['b'], concurrent: { nodes: ['k'] } }, { node: n('k'), connections: ['b'] }, { node: n('b') }]);
    expectDefinitionError(fn, 'concurrent_child_conflict', 'a');
  });

  it('rejects concurrent nodes on a router', () => {
    const fn = build([{ node: n('a'), connections: ['route'] }, { node: r('route'), connections: ['b'], concurrent: { nodes: ['k'] } }, { node: n('b') }, { node: n('k') }]);
    expectDefinitionError(fn, 'router_concurrent', 'route');
  });

  it('rejects a concurrency limit below 1', () => {
    const fn = build([{ node: n('a'), concurrent: { nodes: ['k'], limit: 0 } }, { node: n('k') }]);
    expectDefinitionError(fn, 'invalid_option', 'a');
  });

  it('rejects an invalid retry policy or timeout', () => {
    expectDefinitionError(build([{ node: n('a', { retry: { maxAttempts: 0 } }) }]), 'invalid_option', 'a');
    expectDefinitionError(build([{ node: n('a', { timeoutMs: -5 }) }]), 'invalid_option', 'a');
  });

  it('rejects a duplicate connection in a router', () => {
    const fn = build([{ node: n('a'), connections: ['route'] }, { node: r('route'), connections: ['b', 'b'] }, { node: n('b') }]);
    expectDefinitionError(fn, 'duplicate_connection', 'route');
  });
});
