import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { ErrorNotice, Loading } from '../../../ui/components';
import { PayRate } from './PayRate';
import { TeacherProfile } from './TeacherProfile';
import { TeacherTimeOff } from './TeacherTimeOff';
import { WeeklyHours } from './WeeklyHours';

/** `/teachers/:id`: a teacher's profile and instruments, weekly hours, time off and pay rate. */
export function TeacherPage({ teacherId }: { teacherId: number }) {
  const teacher = useQuery({ queryKey: ['teacher', teacherId], queryFn: () => call(api.GET('/api/v1/teachers/{id}', { params: { path: { id: teacherId } } })) });
  return (
    <div className="people-page">
      <p>
        <Link href="/">← All teachers</Link>
      </p>
      {teacher.isPending && <Loading />}
      <ErrorNotice error={teacher.error} />
      {teacher.data && (
        <>
          <h1>
            {teacher.data.firstName} {teacher.data.lastName}
          </h1>
          <div className="grid">
            <TeacherProfile teacher={teacher.data} />
            <WeeklyHours teacher={teacher.data} />
          </div>
          <div className="grid">
            <TeacherTimeOff teacher={teacher.data} />
            <PayRate teacherId={teacherId} />
          </div>
        </>
      )}
    </div>
  );
}
