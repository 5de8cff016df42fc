import { Route, Switch } from 'wouter';
import { ApprovalPage } from './ApprovalPage';
import { Inbox } from './Inbox';
import './approvals.css';

/** `/approvals`: the inbox of drafts waiting for a decision; `/approvals/:id` one approval. */
export default function ApprovalsSection() {
  return (
    <Switch>
      <Route path="/:id">{(params) => <ApprovalPage id={Number(params.id)} />}</Route>
      <Route>
        <h1>Approvals</h1>
        <Inbox />
      </Route>
    </Switch>
  );
}
