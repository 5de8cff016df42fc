import { Route, Switch } from 'wouter';
import { ConversationPage } from '../../messages-shared';
import { Inbox } from './Inbox';
import { NewConversation } from './NewConversation';
import { PaymentIssueCard } from './PaymentIssueCard';
import './messages.css';

/**
 * The office's Messages section (`/app/messages`): the inbox (`/`), a new conversation (`/new`) and
 * one conversation (`/<id>`) with its reply box and, for billing messages, the payment-issue workflow.
 */
export default function MessagesSection() {
  return (
    <Switch>
      <Route path="/new" component={NewConversation} />
      <Route path="/:id">{(params) => <ConversationPage conversationId={Number(params.id)} listHref="/" actions={(thread) => <PaymentIssueCard thread={thread} />} />}</Route>
      <Route path="/" component={Inbox} />
    </Switch>
  );
}
