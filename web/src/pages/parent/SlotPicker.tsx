import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorNotice, Loading } from '../../ui/components';
import { day, time } from '../../ui/format';
import type { Slot } from '../types';

/** How far ahead free slots are offered, in days. */
const HORIZON_DAYS = 21;

/**
 * The teacher's free slots of the next three weeks (`GET /teachers/{id}/availability`), as a day
 * select and a group of time radios. `value` is the chosen slot's start (ISO) or ''.
 */
export function SlotPicker(props: { teacherId: number; durationMinutes: number; zone: string; value: string; onChange: (startsAt: string) => void }) {
  const id = useId();
  const [range] = useState(() => ({ from: new Date().toISOString(), to: new Date(Date.now() + HORIZON_DAYS * 86_400_000).toISOString() }));
  const availability = useQuery({
    queryKey: ['availability', props.teacherId, props.durationMinutes, range.from],
    queryFn: () =>
      call(
        api.GET('/api/v1/teachers/{id}/availability', { params: { path: { id: props.teacherId }, query: { from: range.from, to: range.to, duration: props.durationMinutes } } }),
      ),
  });
  const byDay = useMemo(() => {
    const days = new Map<string, Slot[]>();
    for (const slot of availability.data?.slots ?? []) {
      const key = day(slot.startsAt, props.zone);
      days.set(key, [...(days.get(key) ?? []), slot]);
    }
    return days;
  }, [availability.data, props.zone]);
  const [chosenDay, setChosenDay] = useState('');
  if (availability.isPending) return <Loading />;
  if (availability.error) return <ErrorNotice error={availability.error} />;
  if (byDay.size === 0) return <p className="muted">The teacher has no free time in the next {HORIZON_DAYS} days.</p>;
  const shownDay = byDay.has(chosenDay) ? chosenDay : (byDay.keys().next().value ?? '');
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-day`}>Day</label>
        <select
          id={`${id}-day`}
          value={shownDay}
          onChange={(event) => {
            setChosenDay(event.target.value);
            props.onChange('');
          }}
        >
          {[...byDay.keys()].map((key) => (
            <option key={key} value={key}>
              {key} ({byDay.get(key)?.length} free)
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>Time</legend>
        <div className="actions slots">
          {(byDay.get(shownDay) ?? []).map((slot) => (
            <label key={slot.startsAt}>
              <input type="radio" name={`${id}-slot`} value={slot.startsAt} checked={props.value === slot.startsAt} onChange={() => props.onChange(slot.startsAt)} />
              {time(slot.startsAt, props.zone)}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
