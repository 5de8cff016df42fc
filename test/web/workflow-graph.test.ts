import { describe, expect, it } from 'vitest';
import { mermaidIds, withNodeStates } from '../../web/src/pages/admin/workflows/graph.js';
import { paymentIssueMermaid } from '../approvals/diagram.js';

/** The run page colours the engine's own diagram: node ids are read from the Mermaid text the API answers. */
describe('a workflow diagram with a run’s node states', () => {
  const graph = paymentIssueMermaid();

  it('finds the Mermaid id of every node the engine declares, routers included', () => {
    expect(Object.fromEntries(mermaidIds(graph))).toEqual({
      gather: 'n_gather',
      triage: 'n_triage',
      approval: 'n_approval',
      decision: 'n_decision',
      'send-reply': 'n_send_reply',
      'apply-resolutions': 'n_apply_resolutions',
      close: 'n_close',
    });
  });

  it('puts each reached node in its state’s class and leaves the others and unknown states alone', () => {
    const coloured = withNodeStates(
      graph,
      new Map([
        ['gather', 'succeeded'],
        ['triage', 'failed'],
        ['approval', 'waiting'],
        ['not-a-node', 'succeeded'],
        ['close', 'mystery'],
      ]),
    );
    expect(coloured.startsWith(graph.trimEnd())).toBe(true);
    const classLines = coloured.split('\n').filter((line) => line.trim().startsWith('class '));
    expect(classLines.map((line) => line.trim())).toEqual(['class n_gather succeeded', 'class n_triage failed', 'class n_approval waiting']);
    expect(coloured).toMatch(/classDef succeeded fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}/);
  });

  it('reads labels with quotes as the engine writes them (#quot;)', () => {
    const ids = mermaidIds('flowchart TD\n  __start((start))\n  n_say__hi_["say #quot;hi#quot;"]\n  n_route{"route"}\n  __start --> n_say__hi_\n');
    expect(Object.fromEntries(ids)).toEqual({ 'say "hi"': 'n_say__hi_', route: 'n_route' });
  });
});
