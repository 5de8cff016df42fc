import { useId } from 'react';
import { words } from './types';

/** A labelled select over fixed choices, shown as words. */
export function Select<T extends string>(props: { label: string; value: T; choices: readonly T[]; onChange: (value: T) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value as T)}>
        {props.choices.map((choice) => (
          <option key={choice} value={choice}>
            {words(choice)}
          </option>
        ))}
      </select>
    </div>
  );
}
