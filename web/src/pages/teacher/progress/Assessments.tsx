import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../../ui/components';
import { Select } from './Select';
import { type Assessment, assessmentResults, examBodies, progressKey, words } from './types';

/** Today as `YYYY-MM-DD` in the school's zone (the default exam day). */
const todayIn = (timeZone: string): string => new Date().toLocaleDateString('en-CA', { timeZone });

/** The student's exams: add one (body, level, day, result, mark), record a result later. */
export function Assessments({ studentId }: { studentId: number }) {
  const queries = useQueryClient();
  const assessments = useQuery({
    queryKey: [...progressKey(studentId), 'assessments'],
    queryFn: () => call(api.GET('/api/v1/students/{id}/assessments', { params: { path: { id: studentId }, query: { pageSize: 100 } } })),
  });
  const [examBody, setExamBody] = useState<Assessment['examBody']>('RCM');
  const [level, setLevel] = useState('');
  const zone = useSchoolZone();
  const [assessedOn, setAssessedOn] = useState(() => todayIn(zone));
  const [result, setResult] = useState<Assessment['result']>('pending');
  const [mark, setMark] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/students/{id}/assessments', {
          params: { path: { id: studentId } },
          body: { examBody, level, assessedOn, result, ...(mark.trim() ? { mark: Number(mark) } : {}) },
        }),
      ),
    onSuccess: () => {
      setLevel('');
      setMark('');
      void queries.invalidateQueries({ queryKey: progressKey(studentId) });
    },
  });
  return (
    <Card title="Assessments">
      {assessments.isPending && <Loading />}
      <ErrorNotice error={assessments.error} />
      {assessments.data && assessments.data.data.length === 0 && <p className="muted">No assessments yet.</p>}
      <ul className="list" aria-label="Assessments">
        {assessments.data?.data.map((assessment) => (
          <AssessmentItem key={assessment.id} assessment={assessment} />
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate();
        }}
      >
        <h3>Add an assessment</h3>
        <Select label="Exam body" value={examBody} choices={examBodies} onChange={setExamBody} />
        <Field label="Level" name="level" value={level} onChange={setLevel} hint="e.g. Grade 4" problem={fieldProblem(add.error, 'level')} />
        <Field label="Exam day" name="assessedOn" type="date" value={assessedOn} onChange={setAssessedOn} problem={fieldProblem(add.error, 'assessedOn')} />
        <Select label="Result" value={result} choices={assessmentResults} onChange={setResult} />
        <Field label="Mark" name="mark" type="number" value={mark} onChange={setMark} hint="As the exam body reports it" problem={fieldProblem(add.error, 'mark')} />
        <ErrorNotice error={add.error} />
        {add.isSuccess && (
          <OkNotice>
            Assessment added: {add.data.examBody} {add.data.level}.
          </OkNotice>
        )}
        <button className="button" type="submit" disabled={add.isPending}>
          Add assessment
        </button>
      </form>
    </Card>
  );
}

function AssessmentItem({ assessment }: { assessment: Assessment }) {
  const queries = useQueryClient();
  const [result, setResult] = useState(assessment.result);
  const save = useMutation({
    mutationFn: () =>
      call(api.PATCH('/api/v1/students/{id}/assessments/{assessmentId}', { params: { path: { id: assessment.studentId, assessmentId: assessment.id } }, body: { result } })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: progressKey(assessment.studentId) }),
  });
  const name = `${assessment.examBody} ${assessment.level}`;
  return (
    <li>
      <strong>{name}</strong> <span className="badge">{words(assessment.result)}</span>{' '}
      <span className="muted">
        {assessment.assessedOn}
        {assessment.mark === null ? '' : `, mark ${assessment.mark}`}
      </span>
      <form
        className="inline-edit"
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Select label={`Result of ${name}`} value={result} choices={assessmentResults} onChange={setResult} />
        <button className="button secondary" type="submit" disabled={save.isPending || result === assessment.result}>
          Save result
        </button>
      </form>
      <ErrorNotice error={save.error} />
    </li>
  );
}
