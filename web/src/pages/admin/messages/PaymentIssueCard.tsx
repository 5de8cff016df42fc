import { useMutation } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../../api/client';
import { Card, ErrorNotice, OkNotice } from '../../../ui/components';
import type { Thread } from '../../messages-shared';

/**
 * For a billing conversation with a family: starts the payment-issue workflow on the family's latest
 * message (`POST /ai/payment-issues {messageId}`, a new run each time) and links to the run.
 * Renders nothing for other conversations.
 */
export function PaymentIssueCard({ thread }: { thread: Thread }) {
  const familyMessage = thread.topic === 'billing' ? thread.messages.filter((message) => message.authorRole === 'parent').at(-1) : undefined;
  const start = useMutation({
    mutationFn: (messageId: number) => call(api.POST('/api/v1/ai/payment-issues', { body: { messageId } })),
  });
  if (!familyMessage) return null;
  return (
    <Card title="Payment issue">
      <p>Draft a reply and a follow-up for the family's latest billing message; the draft waits for your approval.</p>
      <ErrorNotice error={start.error} />
      {start.data && (
        <OkNotice>
          Workflow started: run{' '}
          <Link href={`~/app/workflows/runs/${start.data.runId}`}>
            <code>{start.data.runId}</code>
          </Link>
        </OkNotice>
      )}
      <button className="button secondary" type="button" disabled={start.isPending} onClick={() => start.mutate(familyMessage.id)}>
        Start the payment-issue workflow
      </button>
    </Card>
  );
}
