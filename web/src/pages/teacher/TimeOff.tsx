import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../ui/components';
import { dateTime, localToInstant } from '../../ui/format';
import type { Me } from '../types';

/**
 * The teacher's upcoming time off (`GET /teachers/{id}`), adding some (`POST …/time-off`; times are
 * read in the school's zone) and removing it. Lessons inside stay as they are: the office decides.
 */
export function TimeOff({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const teacherId = me.teacherId ?? 0;
  const profile = useQuery({ queryKey: ['teacher', teacherId], queryFn: () => call(api.GET('/api/v1/teachers/{id}', { params: { path: { id: teacherId } } })) });
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/teachers/{id}/time-off', {
          params: { path: { id: teacherId } },
          body: { startsAt: localToInstant(startsAt, zone), endsAt: localToInstant(endsAt, zone), reason: reason.trim() || null },
        }),
      ),
    onSuccess: () => {
      setReason('');
      void queries.invalidateQueries({ queryKey: ['teacher', teacherId] });
    },
  });
  const remove = useMutation({
    mutationFn: (timeOffId: number) => call(api.DELETE('/api/v1/teachers/{id}/time-off/{timeOffId}', { params: { path: { id: teacherId, timeOffId } } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['teacher', teacherId] }),
  });
  const upcoming = profile.data?.upcomingTimeOff ?? [];
  return (
    <>
      <h1>Time off</h1>
      <div className="grid">
        <Card title="Upcoming time off">
          {profile.isPending && <Loading />}
          <ErrorNotice error={profile.error ?? remove.error} />
          {profile.data && upcoming.length === 0 && <p className="muted">None planned.</p>}
          <ul className="list" aria-label="Upcoming time off">
            {upcoming.map((off) => (
              <li key={off.id}>
                <strong>
                  {dateTime(off.startsAt, zone)} – {dateTime(off.endsAt, zone)}
                </strong>
                {off.reason && <div className="muted">{off.reason}</div>}
                <div className="actions">
                  <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate(off.id)}>
                    Remove the time off from {dateTime(off.startsAt, zone)}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Add time off">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              add.mutate();
            }}
          >
            <Field label="From" name="startsAt" type="datetime-local" value={startsAt} onChange={setStartsAt} problem={fieldProblem(add.error, 'startsAt')} required />
            <Field label="Until" name="endsAt" type="datetime-local" value={endsAt} onChange={setEndsAt} problem={fieldProblem(add.error, 'endsAt')} required />
            <Field label="Reason (optional)" name="reason" value={reason} onChange={setReason} hint="Seen by the office only" />
            <ErrorNotice error={add.error} />
            {add.isSuccess && (
              <OkNotice>
                Time off added.{' '}
                {add.data.affectedLessons.length > 0 ? `${add.data.affectedLessons.length} lesson(s) fall inside it: the office will arrange them.` : 'No lessons fall inside it.'}
              </OkNotice>
            )}
            <button className="button" type="submit" disabled={add.isPending}>
              Add time off
            </button>
          </form>
        </Card>
      </div>
    </>
  );
}
