import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { NewTeacher } from './NewTeacher';

/** `/teachers`: the school's teachers and adding one. */
export default function TeachersSection() {
  const teachers = useQuery({ queryKey: ['teachers'], queryFn: () => call(api.GET('/api/v1/teachers', { params: { query: { pageSize: 100 } } })) });
  return (
    <>
      <h1>Teachers</h1>
      <div className="grid">
        <Card title="Teachers">
          {teachers.isPending && <Loading />}
          <ErrorNotice error={teachers.error} />
          <ul className="list" aria-label="Teachers">
            {teachers.data?.data.map((teacher) => (
              <li key={teacher.id}>
                <strong>
                  {teacher.firstName} {teacher.lastName}
                </strong>{' '}
                {teacher.instruments.map((instrument) => (
                  <span key={instrument} className="badge">
                    {instrument}
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </Card>
        <NewTeacher />
      </div>
    </>
  );
}
