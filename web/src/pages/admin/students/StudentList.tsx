import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading } from '../../../ui/components';
import { SelectField } from '../../../ui/fields';
import { Pager } from '../../../ui/Pager';
import { teacherOption, useInstruments, useTeachers } from '../choices';

/** Students listed per page. */
const PAGE_SIZE = 20;
type Status = 'true' | 'false' | 'all';
const statusChoices = [
  { value: 'true', label: 'Active' },
  { value: 'false', label: 'Inactive' },
  { value: 'all', label: 'All' },
];

/** The students (`GET /students`), searched by name (`?q=`) and filtered by instrument, teacher and status, a page at a time. */
export function StudentList() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const instrument = params.get('instrument') ?? '';
  const teacherId = Number(params.get('teacher')) || undefined;
  const status = (params.get('status') ?? 'true') as Status;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [typed, setTyped] = useState(q);
  const instruments = useInstruments();
  const teachers = useTeachers();
  const students = useQuery({
    queryKey: ['students', 'list', q, instrument, teacherId, status, page],
    queryFn: () =>
      call(api.GET('/api/v1/students', { params: { query: { q: q || undefined, instrument: instrument || undefined, teacherId, active: status, page, pageSize: PAGE_SIZE } } })),
  });
  const go = (next: Record<string, string | number | undefined>) =>
    setParams((current) => {
      const merged = new URLSearchParams(current);
      for (const [key, value] of Object.entries(next)) {
        if (value === undefined || value === '' || (key === 'page' && value === 1) || (key === 'status' && value === 'true')) merged.delete(key);
        else merged.set(key, String(value));
      }
      return merged;
    });
  const search = (event: FormEvent) => {
    event.preventDefault();
    go({ q: typed.trim(), page: 1 });
  };
  return (
    <>
      <h1>Students</h1>
      <Card title="Find a student">
        <form className="filters" onSubmit={search} aria-label="Find a student">
          <Field label="Name" name="q" type="search" value={typed} onChange={setTyped} problem={fieldProblem(students.error, 'q')} />
          <SelectField
            label="Instrument"
            name="instrument"
            value={instrument}
            options={[{ value: '', label: 'Any instrument' }, ...(instruments.data ?? []).map((value) => ({ value }))]}
            onChange={(next) => go({ instrument: next, page: 1 })}
          />
          <SelectField
            label="Teacher"
            name="teacher"
            value={teacherId ? String(teacherId) : ''}
            options={[{ value: '', label: 'Any teacher' }, ...teachers.list.map(teacherOption)]}
            onChange={(next) => go({ teacher: next, page: 1 })}
          />
          <SelectField label="Status" name="status" value={status} options={statusChoices} onChange={(next) => go({ status: next, page: 1 })} />
          <button className="button filter-apply" type="submit">
            Search
          </button>
        </form>
      </Card>
      <Card title="Student list">
        {students.isPending && <Loading />}
        <ErrorNotice error={students.error} />
        {students.data && students.data.data.length === 0 && <p className="muted">No student matches.</p>}
        {students.data && students.data.data.length > 0 && (
          <table className="data" aria-label="Students">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Instrument</th>
                <th scope="col">Teacher</th>
                <th scope="col">Family</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {students.data.data.map((student) => (
                <tr key={student.id}>
                  <td>
                    <Link href={`/${student.id}`}>
                      {student.firstName} {student.lastName}
                    </Link>
                  </td>
                  <td>
                    {student.instrument} · {student.skillLevel}
                  </td>
                  <td>{student.teacherName ?? 'No teacher yet'}</td>
                  <td>
                    <Link href={`~/app/families/${student.parentId}`}>{student.parentName ?? 'Family'}</Link>
                  </td>
                  <td>{student.isActive ? 'Active' : 'Inactive'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {students.data && (
          <Pager label="Pages of students" page={students.data.page} pageSize={students.data.pageSize} total={students.data.total} onPage={(next) => go({ page: next })} />
        )}
      </Card>
    </>
  );
}
