import { type ReactNode, useId } from 'react';
import { ApiError } from '../api/client';

/** A labelled input; `problem` is announced and tied to the input. */
export function Field(props: {
  label: string;
  name: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete?: string;
  hint?: string;
  problem?: string | undefined;
  required?: boolean;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete}
        required={props.required}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={described}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.problem && (
        <span className="problem" id={`${id}-problem`}>
          {props.problem}
        </span>
      )}
    </div>
  );
}

/** The message of a failed call, in an alert region; nothing when there is none. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <div className="notice error" role="alert">
      {message}
    </div>
  );
}

export function OkNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice ok" role="status">
      {children}
    </div>
  );
}

/** The field an API validation error names (`body.email` → `email`), with its message. */
export function fieldProblem(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return undefined;
  const match = (error.details as { field?: string; path?: string; message?: string }[]).find((d) => (d.field ?? d.path ?? '').endsWith(field));
  return match?.message;
}

export function Card({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      {title && <h2>{title}</h2>}
      {children}
    </section>
  );
}

export function Loading() {
  return <p className="muted">Loading…</p>;
}
