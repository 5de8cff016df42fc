import { Link, Route, Switch } from 'wouter';
import { Enrol } from './Enrol';

/** `/enrollments`: enrolling a family (`/enrollments/new`). */
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
      </Route>
    </Switch>
  );
}
