import { type FormEvent, useId, useState } from 'react';
import { ErrorNotice, OkNotice } from '../../../ui/components';
import { useSaveSetting } from './useSaveSetting';

/** A setting without a form of its own (pricing, instruments, payroll, retention …), edited as JSON; the server checks its shape and its message names the part it refuses. */
export function JsonSetting({ settingKey, value }: { settingKey: string; value: unknown }) {
  const id = useId();
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [unreadable, setUnreadable] = useState('');
  const save = useSaveSetting(settingKey);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      setUnreadable(`${settingKey} is not valid JSON.`);
      return;
    }
    setUnreadable('');
    save.mutate(parsed);
  };
  return (
    <form onSubmit={submit} noValidate aria-label={settingKey} className="setting-row">
      {save.isSuccess && <OkNotice>Saved.</OkNotice>}
      <ErrorNotice error={save.error ?? (unreadable ? new Error(unreadable) : null)} />
      <div className="field">
        <label htmlFor={id}>{settingKey}</label>
        <textarea
          id={id}
          rows={Math.min(12, text.split('\n').length + 1)}
          value={text}
          onChange={(event) => setText(event.target.value)}
          aria-invalid={save.error || unreadable ? true : undefined}
        />
      </div>
      <button type="submit" className="button secondary" disabled={save.isPending}>
        Save {settingKey}
      </button>
    </form>
  );
}
