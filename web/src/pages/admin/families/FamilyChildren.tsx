import { Link } from 'wouter';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import type { Student } from '../students/types';

/** The family's children (every student of the parent, inactive ones marked), each linking to the student's page. */
export function FamilyChildren({ students, error }: { students: Student[] | undefined; error: unknown }) {
  return (
    <Card title="Children">
      {!students && !error && <Loading />}
      <ErrorNotice error={error} />
      {students && students.length === 0 && <p className="muted">No children enrolled.</p>}
      <ul className="list" aria-label="Children">
        {students?.map((student) => (
          <li key={student.id}>
            <Link href={`~/app/students/${student.id}`}>
              {student.firstName} {student.lastName}
            </Link>{' '}
            <span className="badge">{student.instrument}</span> {!student.isActive && <span className="badge">inactive</span>}
            <div className="muted">
              Age {student.age} · {student.teacherName ? `with ${student.teacherName}` : 'no teacher yet'}
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
