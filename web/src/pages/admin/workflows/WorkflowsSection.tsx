import { Route, Switch } from 'wouter';
import { RunList } from './RunList';
import { RunPage } from './RunPage';
import { WorkflowList } from './WorkflowList';
import './workflows.css';

/** `/workflows`: the registered workflows with their diagrams and the runs; `/workflows/runs/:id` one run. */
export default function WorkflowsSection() {
  return (
    <Switch>
      <Route path="/runs/:id">{(params) => <RunPage runId={params.id} />}</Route>
      <Route>
        <h1>Workflow runs</h1>
        <RunList />
        <WorkflowList />
      </Route>
    </Switch>
  );
}
