/**
 * The signed-in user's own in-app notifications, for every role: the query with its unread count,
 * the top-bar link showing that count, and a card listing them with "Mark read" buttons.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { useSchoolZone } from '../../auth/hooks';
import { Card, ErrorNotice, Loading } from '../../ui/components';
import { dateTime } from '../../ui/format';

/** Own notifications, newest first (`GET /notifications`, 50 a page), and the unread count; kept fresh every 30 s. */
export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: () => call(api.GET('/api/v1/notifications', { params: { query: { pageSize: 50 } } })),
    refetchInterval: 30_000,
  });
}

/** The top-bar link to the user's notifications page (`href`), with the unread count. */
export function NotificationsLink({ href }: { href: string }) {
  const unread = useNotifications().data?.unread ?? 0;
  return <Link href={href}>{unread > 0 ? `Notifications (${unread} unread)` : 'Notifications'}</Link>;
}

/** A card of the user's notifications: unread ones marked, each with a "Mark read" button (`POST /notifications/{id}/read`). */
export function NotificationList() {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const notifications = useNotifications();
  const markRead = useMutation({
    mutationFn: (id: number) => call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const unread = notifications.data?.unread ?? 0;
  return (
    <Card title="Your notifications">
      {notifications.isPending && <Loading />}
      <ErrorNotice error={notifications.error} />
      {notifications.data && (
        <p className="muted" role="status">
          {unread === 0 ? 'Nothing unread.' : `${unread} unread`}
        </p>
      )}
      {notifications.data && notifications.data.data.length === 0 && <p className="muted">No notifications yet.</p>}
      <ul className="list" aria-label="Notifications">
        {notifications.data?.data.map((item) => (
          <li key={item.id} className={item.readAt ? 'notification read' : 'notification'}>
            <div>
              <strong>{item.title}</strong> {!item.readAt && <span className="badge">new</span>}
            </div>
            <div className="muted">{dateTime(item.createdAt, zone)}</div>
            {item.body && <p className="message-body">{item.body}</p>}
            {!item.readAt && (
              <button type="button" className="button secondary" aria-label={`Mark read: ${item.title}`} disabled={markRead.isPending} onClick={() => markRead.mutate(item.id)}>
                Mark read
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNotice error={markRead.error} />
    </Card>
  );
}
