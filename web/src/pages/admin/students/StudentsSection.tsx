import { Route, Switch } from 'wouter';
import { StudentList } from './StudentList';
import { StudentPage } from './StudentPage';
import '../people.css';

/** `/students`: the students (search and filters, paging) and a student's page (`/students/:id`). */
export default function StudentsSection() {
  return (
    <Switch>
      <Route path="/:id">{(params) => <StudentPage studentId={Number(params.id)} />}</Route>
      <Route component={StudentList} />
    </Switch>
  );
}
