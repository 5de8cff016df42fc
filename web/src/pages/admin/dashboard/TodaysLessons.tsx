import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { time } from '../../../ui/format';

/** The day after `day` (`2027-01-04` → `2027-01-05`). */
const nextDay = (day: string): string => new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Today's lessons (the school's day, `today` as the dashboard gives it), earliest first, with student and teacher. */
export function TodaysLessons({ today, zone }: { today: string; zone: string }) {
  const lessons = useQuery({
    queryKey: ['lessons', 'day', today],
    queryFn: () => call(api.GET('/api/v1/lessons', { params: { query: { from: today, to: nextDay(today), pageSize: 200 } } })),
  });
  const teachers = useQuery({ queryKey: ['teachers', 'all'], queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { active: 'all', pageSize: 200 } } })) });
  const teacherName = (id: number) => {
    const teacher = teachers.data?.data.find((t) => t.id === id);
    return teacher ? `${teacher.firstName} ${teacher.lastName}` : `Teacher ${id}`;
  };
  const rows = [...(lessons.data?.data ?? [])].filter((lesson) => lesson.status !== 'rescheduled').sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  return (
    <Card title="Lessons today">
      {lessons.isPending && <Loading />}
      <ErrorNotice error={lessons.error ?? teachers.error} />
      {lessons.data && rows.length === 0 && <p className="muted">No lessons today.</p>}
      {rows.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Student</th>
              <th scope="col">Teacher</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((lesson) => (
              <tr key={lesson.id}>
                <td>
                  {time(lesson.scheduledAt, zone)} · {lesson.durationMinutes} min
                </td>
                <td>{[lesson.studentFirstName, lesson.studentLastName].filter(Boolean).join(' ') || `Student ${lesson.studentId}`}</td>
                <td>{lesson.substituteTeacherId ? `${teacherName(lesson.substituteTeacherId)} (substitute)` : teacherName(lesson.teacherId)}</td>
                <td>
                  <span className="badge">{lesson.status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
