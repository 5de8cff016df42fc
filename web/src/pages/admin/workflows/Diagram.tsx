import { useEffect, useRef, useState } from 'react';
import { ErrorNotice, Loading } from '../../../ui/components';

/** Renders so far: each render gets an id of its own (Mermaid looks its drawing up by id in the page). */
let renders = 0;

/** Mermaid draws one diagram at a time: renders started together wait their turn. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Renders Mermaid text as an SVG. The `mermaid` library (large) is imported only when a diagram is
 * first shown, so it is a chunk of its own that only these pages load. `label` names the figure
 * for screen readers.
 */
export function Diagram({ graph, label }: { graph: string; label: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ rendering: boolean; error: unknown }>({ rendering: true, error: null });

  useEffect(() => {
    let current = true;
    setState({ rendering: true, error: null });
    const drawing = queue.then(async () => {
      if (!current) return;
      const mermaid = (await import('mermaid')).default;
      mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', flowchart: { useMaxWidth: true } });
      renders += 1;
      const { svg } = await mermaid.render(`workflow-diagram-${renders}`, graph);
      if (!current || !holder.current) return;
      holder.current.innerHTML = svg;
      setState({ rendering: false, error: null });
    });
    queue = drawing.catch((error: unknown) => {
      if (current) setState({ rendering: false, error: error instanceof Error ? error : new Error('The diagram could not be drawn.') });
    });
    return () => {
      current = false;
    };
  }, [graph]);

  return (
    <figure className="workflow-diagram" aria-label={label}>
      {state.rendering && <Loading />}
      <ErrorNotice error={state.error} />
      <div ref={holder} className="workflow-diagram-svg" />
    </figure>
  );
}
