import { type FormEvent, useState } from 'react';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { numberOrText, useSaveSetting } from './useSaveSetting';

/** The settings that are one whole number, with what they mean and their unit (src/modules/settings/types.ts). */
export const numberSettings: Record<string, { label: string; hint: string }> = {
  cancellationWindowHours: { label: 'Cancellation window (hours)', hint: 'A family may cancel up to this many hours before a lesson' },
  rescheduleWindowHours: { label: 'Reschedule window (hours)', hint: 'A lesson may be moved up to this many hours before it starts' },
  minimumNoticeHours: { label: 'Minimum notice (hours)', hint: 'The earliest a new lesson may start, from now' },
  bufferMinutes: { label: 'Buffer after a lesson (minutes)', hint: 'Kept free after each lesson' },
  reminderLeadHours: { label: 'Lesson reminders (hours before)', hint: 'When lesson reminders go out' },
  paymentReminderDays: { label: 'Payment reminders (days before)', hint: 'Before a subscription renews; 0: no reminder' },
  makeupCreditExpiryDays: { label: 'Make-up credit expiry (days)', hint: 'A make-up credit lapses this many days after it is given' },
};

/** A form for one whole-number setting; the server checks its range and says what it must be. */
export function NumberSetting({ settingKey, value }: { settingKey: string; value: unknown }) {
  const meaning = numberSettings[settingKey] ?? { label: settingKey, hint: '' };
  const [text, setText] = useState(String(value));
  const save = useSaveSetting(settingKey);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(numberOrText(text));
  };
  return (
    <form onSubmit={submit} noValidate aria-label={meaning.label} className="setting-row">
      <ErrorNotice error={save.error} />
      {save.isSuccess && <OkNotice>Saved.</OkNotice>}
      <Field label={meaning.label} name={settingKey} value={text} onChange={setText} hint={meaning.hint} problem={fieldProblem(save.error, 'value')} />
      <button type="submit" className="button secondary" disabled={save.isPending}>
        Save
      </button>
    </form>
  );
}
