import { useId } from 'react';
import './fields.css';

/** A labelled drop-down; `options` are `[value, label]` pairs; `problem` is announced and tied to it. */
export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  problem?: string | undefined;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={props.problem ? `${id}-problem` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
      {props.problem && (
        <span className="problem" id={`${id}-problem`}>
          {props.problem}
        </span>
      )}
    </div>
  );
}

/** A labelled multi-line text input (`rows` lines high, default 5); `problem` is announced and tied to it. */
export function TextAreaField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  hint?: string;
  problem?: string | undefined;
  required?: boolean;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        value={props.value}
        rows={props.rows ?? 5}
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
