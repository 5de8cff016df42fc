import { Route, Switch } from 'wouter';
import { FailedPayments } from './FailedPayments';
import { OfflinePayment } from './OfflinePayment';
import { PaymentDetails } from './PaymentDetails';
import { Reconciliation } from './Reconciliation';
import { RecentPayments } from './RecentPayments';
import './payments.css';

/** `/payments`: the school's income with filters, failed payments, offline money and reconciliation; `/payments/:id` one payment. */
export default function PaymentsSection() {
  return (
    <Switch>
      <Route path="/:id">{(params) => (/^\d+$/.test(params.id) ? <PaymentDetails id={Number(params.id)} /> : <h1>No such payment</h1>)}</Route>
      <Route>
        <h1>Payments</h1>
        <RecentPayments />
        <div className="grid">
          <FailedPayments />
          <OfflinePayment />
        </div>
        <Reconciliation />
      </Route>
    </Switch>
  );
}
