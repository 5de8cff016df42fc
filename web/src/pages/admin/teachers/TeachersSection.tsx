import { useQuery } from '@tanstack/react-query';
import { Link, Route, Switch } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, Loading } from '../../../ui/components';
import { NewTeacher } from './NewTeacher';
import { TeacherPage } from './TeacherPage';
import '../people.css';

/** `/teachers`: the school's teachers and adding one; `/teachers/:id` a teacher's page. */
export default function TeachersSection() {
  return (
    <Switch>
      <Route path="/:id">{(params) => <TeacherPage teacherId={Number(params.id)} />}</Route>
      <Route component={TeacherList} />
    </Switch>
  );
}

function TeacherList() {
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
                <Link href={`/${teacher.id}`}>
                  <strong>
                    {teacher.firstName} {teacher.lastName}
                  </strong>
                </Link>{' '}
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
