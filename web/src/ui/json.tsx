import './json.css';

/**
 * A value as indented JSON in a scrollable region (`label` names it for screen readers; it takes
 * the keyboard focus so it can be scrolled); "none" for null/undefined.
 */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <span className="muted">none</span>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="json-block" aria-label={label} tabIndex={0}>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </section>
  );
}
