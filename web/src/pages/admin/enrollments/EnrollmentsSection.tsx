import { Link, Route, Switch } from 'wouter';
import { Enrol } from './Enrol';
import './enrollments.css';
import { EnrollmentList } from './EnrollmentList';
import { Waitlist } from './Waitlist';

/** `/enrollments`: the enrollments by status (approve or decline those awaiting confirmation), the waitlist, and enrolling a family (`/enrollments/new`). */
export default function EnrollmentsSection() {
  return (
    <Switch>
      <Route path="/new" component={Enrol} />
      <Route>
        <h1>Enrollments</h1>
        <p>
          <Link className="button" href="/new">
            Enrol a family
          </Link>
        </p>
        <Waitlist />
        <EnrollmentList />
      </Route>
    </Switch>
  );
}
