import { Route, Switch } from 'wouter';
import { NewRun } from './NewRun';
import { RunPage } from './RunPage';
import { RunsList } from './RunsList';

/** `/payroll`: the runs and a new run; `/payroll/<id>` one run (lines per teacher, adjustments, approve → paid, CSV). */
export default function PayrollSection() {
  return (
    <Switch>
      <Route path="/:id" component={RunPage} />
      <Route>
        <h1>Payroll</h1>
        <NewRun />
        <RunsList />
      </Route>
    </Switch>
  );
}
