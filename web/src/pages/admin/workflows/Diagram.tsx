import { useEffect, useId, useRef, useState } from 'react';
import { ErrorNotice, Loading } from '../../../ui/components';

/**
 * Renders Mermaid text as an SVG. The `mermaid` library (large) is imported only when a diagram is
 * first shown, so it is a chunk of its own that only these pages load. `label` names the figure
 * for screen readers.
 */
export function Diagram({ graph, label }: { graph: string; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const id = `diagram-${useId().replace(/[^A-Za-z0-9]/g, '')}`;
  const [state, setState] = useState<{ rendering: boolean; error: unknown }>({ rendering: true, error: null });

  useEffect(() => {
    let current = true;
    setState({ rendering: true, error: null });
    (async () => {
      const mermaid = (await import('mermaid')).default;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', flowchart: { useMaxWidth: true } });
      const { svg } = await mermaid.render(id, graph);
      if (!current || !holder.current) return;
      holder.current.innerHTML = svg;
      setState({ rendering: false, error: null });
    })().catch((error: unknown) => {
      if (current) setState({ rendering: false, error: error instanceof Error ? error : new Error('The diagram could not be drawn.') });
    });
    return () => {
      current = false;
    };
  }, [graph, id]);

  return (
    <figure className="workflow-diagram" aria-label={label}>
      {state.rendering && <Loading />}
      <ErrorNotice error={state.error} />
      <div ref={holder} className="workflow-diagram-svg" />
    </figure>
  );
}
