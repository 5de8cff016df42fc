import { NotificationList } from '../../notifications/NotificationList';
import { PreferencesCard } from '../../notifications/Preferences';
import { ChangePassword } from './ChangePassword';

/** The admin's own account (`/app/account`): their notifications, how the school reaches them, and their password. */
export default function AccountSection() {
  return (
    <>
      <h1>My account</h1>
      <div className="grid">
        <NotificationList />
        <PreferencesCard />
        <ChangePassword />
      </div>
    </>
  );
}
