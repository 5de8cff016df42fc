import { SelectField } from '../../../ui/fields';
import { words } from './types';

/** The shared SelectField over fixed choices of one string type, shown as words. */
export function Select<T extends string>(props: { label: string; value: T; choices: readonly T[]; onChange: (value: T) => void }) {
  return (
    <SelectField
      label={props.label}
      name={props.label}
      value={props.value}
      options={props.choices.map((choice) => ({ value: choice, label: words(choice) }))}
      onChange={(value) => props.onChange(value as T)}
    />
  );
}
