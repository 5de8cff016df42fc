import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading, OkNotice } from '../../ui/components';
import { dateTime, day } from '../../ui/format';
import type { Credit, Me } from '../types';
import { SlotPicker } from './SlotPicker';

/** Length of a make-up lesson, in minutes. */
const MAKEUP_MINUTES = 30;
const POLL_MS = 1_000;

/** Books through the scheduling workflow; a run still going (202) is polled until it answers. */
async function bookMakeup(body: { studentId: number; teacherId: number; scheduledAt: string; makeupCreditId: number }) {
  const first = await call(api.POST('/api/v1/lessons/schedule', { body: { ...body, durationMinutes: MAKEUP_MINUTES, lessonType: 'makeup' } }));
  let answer: typeof first | Awaited<ReturnType<typeof pollOnce>> = first;
  while (isPending(answer)) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    answer = await pollOnce(answer.runId);
  }
  return answer;
}

/** A 202 answer: the run has not decided yet. */
const isPending = (answer: object): answer is { runId: string } => 'statusUrl' in answer && !('id' in answer) && !('seriesId' in answer);

const pollOnce = (runId: string) => call(api.GET('/api/v1/lessons/schedule/runs/{runId}', { params: { path: { runId } } }));

/** Uses an open make-up credit: choose the credit, then a free slot of the child's teacher. */
export function Makeup({ me }: { me: Me }) {
  const zone = useSchoolZone();
  const credits = useQuery({
    queryKey: ['makeup-credits', 'open'],
    queryFn: () => call(api.GET('/api/v1/makeup-credits', { params: { query: { status: 'open' } } })),
  });
  const [creditId, setCreditId] = useState<number | undefined>();
  const [booked, setBooked] = useState<string | undefined>();
  const open = credits.data?.data ?? [];
  const credit = open.find((c) => c.id === creditId) ?? open[0];
  return (
    <>
      <h1>Book a make-up lesson</h1>
      {credits.isPending && <Loading />}
      <ErrorNotice error={credits.error} />
      {booked && <OkNotice>Make-up lesson booked for {dateTime(booked, zone)}.</OkNotice>}
      {credits.data && open.length === 0 && <p className="muted">You have no open make-up credit. One is added when a lesson is cancelled in time.</p>}
      {credit && (
        <Card title="Your credit">
          <fieldset className="field">
            <legend>Which credit</legend>
            {open.map((c) => (
              <label key={c.id} className="choice">
                <input type="radio" name="credit" value={c.id} checked={c.id === credit.id} onChange={() => setCreditId(c.id)} />
                {c.studentName}
                {c.expiresAt ? ` · use by ${day(c.expiresAt, zone)}` : ''}
              </label>
            ))}
          </fieldset>
          <MakeupBooking key={credit.id} credit={credit} me={me} zone={zone} onBooked={setBooked} />
        </Card>
      )}
    </>
  );
}

function MakeupBooking({ credit, me, zone, onBooked }: { credit: Credit; me: Me; zone: string; onBooked: (startsAt: string) => void }) {
  const queries = useQueryClient();
  const [startsAt, setStartsAt] = useState('');
  const teacherId = me.children.find((child) => child.id === credit.studentId)?.teacherId;
  const book = useMutation({
    mutationFn: () => bookMakeup({ studentId: credit.studentId, teacherId: teacherId ?? 0, scheduledAt: startsAt, makeupCreditId: credit.id }),
    onSuccess: () => {
      onBooked(startsAt);
      void queries.invalidateQueries({ queryKey: ['makeup-credits'] });
    },
  });
  if (!teacherId) return <p className="muted">{credit.studentName} has no teacher yet: the office will book the make-up lesson.</p>;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (startsAt) book.mutate();
      }}
    >
      <SlotPicker teacherId={teacherId} durationMinutes={MAKEUP_MINUTES} zone={zone} value={startsAt} onChange={setStartsAt} />
      <ErrorNotice error={book.error} />
      <button className="button" type="submit" disabled={!startsAt || book.isPending}>
        {startsAt ? `Book the make-up for ${dateTime(startsAt, zone)}` : 'Choose a time first'}
      </button>
    </form>
  );
}
