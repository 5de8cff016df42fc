import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorNotice, fieldProblem, OkNotice } from '../../ui/components';
import type { Lesson } from '../types';

/** Notes of a completed lesson: shared with the family, or private to the staff (`PATCH /lessons/{id}`). */
export function LessonNotes({ lesson, name }: { lesson: Lesson; name: string }) {
  const id = useId();
  const queries = useQueryClient();
  const [notes, setNotes] = useState(lesson.notes ?? '');
  const [privateNotes, setPrivateNotes] = useState(lesson.privateNotes ?? '');
  const save = useMutation({
    mutationFn: () =>
      call(api.PATCH('/api/v1/lessons/{id}', { params: { path: { id: lesson.id } }, body: { notes: notes.trim() || null, privateNotes: privateNotes.trim() || null } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['lessons'] }),
  });
  return (
    <details>
      <summary>Notes on {name}'s lesson</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-shared`}>Shared notes (the family sees them)</label>
          <textarea id={`${id}-shared`} rows={3} value={notes} onChange={(event) => setNotes(event.target.value)} />
          {fieldProblem(save.error, 'notes') && <span className="problem">{fieldProblem(save.error, 'notes')}</span>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-private`}>Private notes (teachers and the office only)</label>
          <textarea id={`${id}-private`} rows={3} value={privateNotes} onChange={(event) => setPrivateNotes(event.target.value)} />
          {fieldProblem(save.error, 'privateNotes') && <span className="problem">{fieldProblem(save.error, 'privateNotes')}</span>}
        </div>
        <ErrorNotice error={save.error} />
        {save.isSuccess && <OkNotice>Notes saved.</OkNotice>}
        <button className="button" type="submit" disabled={save.isPending}>
          Save notes
        </button>
      </form>
    </details>
  );
}
