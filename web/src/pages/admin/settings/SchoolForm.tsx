import { type FormEvent, useState } from 'react';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { useSaveSetting } from './useSaveSetting';

/** The `school` setting's value (src/modules/settings/types.ts SchoolSetting). */
interface School {
  name: string;
  email: string;
  phone: string;
  timezone: string;
  currency: string;
}

const fields: { key: keyof School; label: string; type?: string; hint?: string }[] = [
  { key: 'name', label: 'School name' },
  { key: 'email', label: 'Contact e-mail', type: 'email' },
  { key: 'phone', label: 'Contact phone', type: 'tel' },
  { key: 'timezone', label: 'Time zone', hint: 'An IANA zone such as America/Halifax' },
  { key: 'currency', label: 'Currency', hint: 'ISO 4217, such as CAD' },
];

/** The school's name, contact and time zone (`school` setting; the `timezone` setting follows it). */
export function SchoolForm({ value }: { value: School }) {
  const [form, setForm] = useState<School>(value);
  const save = useSaveSetting('school');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form);
  };
  return (
    <form onSubmit={submit} noValidate aria-label="School">
      {save.isSuccess && <OkNotice>School details saved.</OkNotice>}
      <ErrorNotice error={save.error} />
      {fields.map((field) => (
        <Field
          key={field.key}
          label={field.label}
          name={field.key}
          type={field.type}
          hint={field.hint}
          value={form[field.key]}
          onChange={(text) => setForm({ ...form, [field.key]: text })}
          problem={fieldProblem(save.error, `value.${field.key}`)}
        />
      ))}
      <button type="submit" className="button" disabled={save.isPending}>
        Save school details
      </button>
    </form>
  );
}
