import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { Select } from './Select';
import { type Piece, pieceStatuses, progressKey } from './types';

/** The student's repertoire: add a piece, move a piece on (learning → polishing → performed). */
export function Repertoire({ studentId }: { studentId: number }) {
  const queries = useQueryClient();
  const pieces = useQuery({
    queryKey: [...progressKey(studentId), 'repertoire'],
    queryFn: () => call(api.GET('/api/v1/students/{id}/repertoire', { params: { path: { id: studentId }, query: { pageSize: 100 } } })),
  });
  const [title, setTitle] = useState('');
  const [composer, setComposer] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/students/{id}/repertoire', { params: { path: { id: studentId } }, body: { title, ...(composer.trim() ? { composer } : {}), status: 'learning' } })),
    onSuccess: () => {
      setTitle('');
      setComposer('');
      void queries.invalidateQueries({ queryKey: progressKey(studentId) });
    },
  });
  return (
    <Card title="Repertoire">
      {pieces.isPending && <Loading />}
      <ErrorNotice error={pieces.error} />
      {pieces.data && pieces.data.data.length === 0 && <p className="muted">No pieces yet.</p>}
      <ul className="list" aria-label="Repertoire">
        {pieces.data?.data.map((piece) => (
          <PieceItem key={piece.id} piece={piece} />
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <h3>Add a piece</h3>
        <Field label="Piece" name="title" value={title} onChange={setTitle} problem={fieldProblem(add.error, 'title')} />
        <Field label="Composer" name="composer" value={composer} onChange={setComposer} problem={fieldProblem(add.error, 'composer')} />
        <ErrorNotice error={add.error} />
        {add.isSuccess && <OkNotice>Piece added: {add.data.title}.</OkNotice>}
        <button className="button" type="submit" disabled={add.isPending}>
          Add piece
        </button>
      </form>
    </Card>
  );
}

function PieceItem({ piece }: { piece: Piece }) {
  const queries = useQueryClient();
  const [status, setStatus] = useState(piece.status);
  const save = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/students/{id}/repertoire/{pieceId}', { params: { path: { id: piece.studentId, pieceId: piece.id } }, body: { status } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: progressKey(piece.studentId) }),
  });
  return (
    <li>
      <strong>{piece.title}</strong>
      {piece.composer ? ` (${piece.composer})` : ''} <span className="badge">{piece.status}</span>{' '}
      <span className="muted">
        started {piece.startedOn}
        {piece.performedOn ? `, performed ${piece.performedOn}` : ''}
      </span>
      <form
        className="inline-edit"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Select label={`Status of “${piece.title}”`} value={status} choices={pieceStatuses} onChange={setStatus} />
        <button className="button secondary" type="submit" disabled={save.isPending || status === piece.status}>
          Save status
        </button>
      </form>
      <ErrorNotice error={save.error} />
    </li>
  );
}
