import { Link } from 'wouter';
import { NotificationList } from './NotificationList';
import { PreferencesCard } from './Preferences';

/** `/notifications` for parents and teachers: their notifications and a link to the channel preferences. */
export function NotificationsPage() {
  return (
    <>
      <h1>Notifications</h1>
      <p>
        <Link href="/preferences">Notification preferences</Link>
      </p>
      <NotificationList />
    </>
  );
}

/** `/preferences` for parents and teachers: how the school reaches them. */
export function PreferencesPage() {
  return (
    <>
      <h1>Notification preferences</h1>
      <p>
        <Link href="/notifications">Your notifications</Link>
      </p>
      <PreferencesCard />
    </>
  );
}
