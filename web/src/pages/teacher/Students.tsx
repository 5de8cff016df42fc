import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, Loading } from '../../ui/components';

/** `/students`: the teacher's students, each opening their progress. */
export function Students() {
  const students = useQuery({ queryKey: ['students', 'mine'], queryFn: () => call(api.GET('/api/v1/students', { params: { query: { pageSize: 200 } } })) });
  return (
    <>
      <h1>Your students</h1>
      <Card title="Students">
        {students.isPending && <Loading />}
        <ErrorNotice error={students.error} />
        {students.data && students.data.data.length === 0 && <p className="muted">No students are assigned to you yet.</p>}
        <ul className="list" aria-label="Your students">
          {students.data?.data.map((student) => (
            <li key={student.id}>
              <Link href={`/students/${student.id}`}>
                {student.firstName} {student.lastName}
              </Link>{' '}
              <span className="muted">
                · {student.instrument} · {student.skillLevel} · age {student.age}
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
