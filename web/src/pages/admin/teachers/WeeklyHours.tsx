import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import type { TeacherDetail, WeeklyBlock } from './types';

/** ISO weekdays: index 1 = Monday … 7 = Sunday. */
const weekdays = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const dayChoices = weekdays.slice(1).map((label, i) => ({ value: String(i + 1), label }));

/**
 * The teacher's weekly hours in school time: one row per block, edited together and saved at once
 * (`PUT /teachers/{id}/availability` replaces them all; an empty list clears them). The server
 * names a bad row (`weeklyHours.<row>[.start|.end]`), shown beside it.
 */
export function WeeklyHours({ teacher }: { teacher: TeacherDetail }) {
  const queries = useQueryClient();
  const [blocks, setBlocks] = useState<WeeklyBlock[]>(teacher.weeklyHours);
  const save = useMutation({
    mutationFn: () => call(api.PUT('/api/v1/teachers/{id}/availability', { params: { path: { id: teacher.id } }, body: { weeklyHours: blocks } })),
    onSuccess: (saved) => {
      setBlocks(saved.weeklyHours);
      void queries.invalidateQueries({ queryKey: ['teacher', teacher.id] });
    },
  });
  const change = (index: number, patch: Partial<WeeklyBlock>) => setBlocks((current) => current.map((block, i) => (i === index ? { ...block, ...patch } : block)));
  const add = () => setBlocks((current) => [...current, { weekday: current.at(-1)?.weekday ?? 1, start: '15:00', end: '19:00' }]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Weekly hours">
      <p className="muted">Times are in the school's time zone ({teacher.timezone}).</p>
      <form onSubmit={submit} noValidate aria-label="Weekly hours">
        <ErrorNotice error={save.error} />
        {blocks.length === 0 && <p className="muted">No weekly hours: the teacher cannot be booked.</p>}
        {blocks.map((block, index) => {
          const rowProblem = fieldProblem(save.error, `weeklyHours.${index}`);
          const label = `${weekdays[block.weekday]} hours, row ${index + 1}`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id until saved; the index is their position in the PUT body.
            <fieldset key={index} className="hours-row" aria-label={label}>
              <SelectField
                label="Day"
                name={`weekday-${index}`}
                value={String(block.weekday)}
                options={dayChoices}
                onChange={(weekday) => change(index, { weekday: Number(weekday) })}
              />
              <Field
                label="From"
                name={`start-${index}`}
                type="time"
                value={block.start}
                onChange={(start) => change(index, { start })}
                problem={fieldProblem(save.error, `weeklyHours.${index}.start`)}
              />
              <Field
                label="Until"
                name={`end-${index}`}
                type="time"
                value={block.end}
                onChange={(end) => change(index, { end })}
                problem={fieldProblem(save.error, `weeklyHours.${index}.end`)}
              />
              <button type="button" className="button secondary" onClick={() => setBlocks((current) => current.filter((_, i) => i !== index))}>
                Remove {weekdays[block.weekday]} {block.start}
              </button>
              {rowProblem && (
                <span className="problem" role="alert">
                  {rowProblem}
                </span>
              )}
            </fieldset>
          );
        })}
        {save.isSuccess && <OkNotice>Weekly hours saved.</OkNotice>}
        <div className="actions">
          <button type="button" className="button secondary" onClick={add}>
            Add hours
          </button>
          <button type="submit" className="button" disabled={save.isPending}>
            Save weekly hours
          </button>
        </div>
      </form>
    </Card>
  );
}
