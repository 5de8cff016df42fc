import { useId } from 'react';

/** One choice of a SelectField: the value sent, and the text shown (the value when omitted). */
export interface Choice {
  value: string;
  label?: string;
}

/** A labelled drop-down; `problem` is announced and tied to it, as in Field. */
export function SelectField(props: { label: string; name: string; value: string; choices: readonly Choice[]; onChange: (value: string) => void; problem?: string | undefined }) {
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
        {props.choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label ?? choice.value}
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
