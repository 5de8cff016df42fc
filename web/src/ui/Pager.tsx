/**
 * Previous / next buttons for a paged list answer (`{page, pageSize, total}`, pages from 1), with
 * "Page 2 of 5" announced politely. Nothing when everything fits on one page.
 */
export function Pager(props: { label: string; page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="actions" aria-label={props.label}>
      <button type="button" className="button secondary" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        Previous page
      </button>
      <span className="muted" aria-live="polite" style={{ alignSelf: 'center' }}>
        Page {props.page} of {pages} ({props.total})
      </span>
      <button type="button" className="button secondary" disabled={props.page >= pages} onClick={() => props.onPage(props.page + 1)}>
        Next page
      </button>
    </nav>
  );
}
