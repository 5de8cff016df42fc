import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { ErrorNotice, Loading } from '../../../ui/components';
import { StudentDetails } from './StudentDetails';
import { StudentLessons } from './StudentLessons';
import { StudentProgress } from './StudentProgress';
import { StudentRecords } from './StudentRecords';

/** `/students/:id`: a student's details (editable), upcoming lessons, and their progress read-only. */
export function StudentPage({ studentId }: { studentId: number }) {
  const student = useQuery({ queryKey: ['student', studentId], queryFn: () => call(api.GET('/api/v1/students/{id}', { params: { path: { id: studentId } } })) });
  return (
    <div className="people-page">
      <p>
        <Link href="/">← All students</Link>
      </p>
      {student.isPending && <Loading />}
      <ErrorNotice error={student.error} />
      {student.data && (
        <>
          <h1>
            {student.data.firstName} {student.data.lastName}
          </h1>
          <div className="grid">
            <StudentDetails student={student.data} />
            <StudentLessons studentId={studentId} />
          </div>
          <StudentProgress studentId={studentId} />
          <StudentRecords studentId={studentId} />
        </>
      )}
    </div>
  );
}
