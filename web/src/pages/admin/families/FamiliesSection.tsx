import { Route, Switch } from 'wouter';
import { FamilyList } from './FamilyList';
import { FamilyPage } from './FamilyPage';
import '../people.css';

/** `/families`: the parents (search, paging) and a family's page (`/families/:id`, the parent's user id). */
export default function FamiliesSection() {
  return (
    <Switch>
      <Route path="/:id">{(params) => <FamilyPage parentId={Number(params.id)} />}</Route>
      <Route component={FamilyList} />
    </Switch>
  );
}
