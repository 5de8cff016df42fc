import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api } from '../api/client';
import { useMe, useSchool } from '../auth/hooks';
import { session } from '../auth/session';
import { ErrorNotice, Loading } from '../ui/components';
import { Privacy } from './account/Privacy';
import { Bills } from './parent/Bills';
import { Cards } from './parent/Cards';
import { Makeup } from './parent/Makeup';
import { ConversationPage, MessagesLink } from './messages-shared';
import { NotificationsLink } from './notifications/NotificationList';
import { NotificationsPage, PreferencesPage } from './notifications/NotificationsPage';
import { Messages } from './parent/Messages';
import { ParentHome } from './parent/ParentHome';
import { Reschedule } from './parent/Reschedule';
import { StudentProgress } from './teacher/StudentProgress';
import { Students } from './teacher/Students';
import { TeacherWeek } from './teacher/TeacherWeek';
import { TimeOff } from './teacher/TimeOff';

/** The admin console is its own chunk: parents and teachers never load it. */
const AdminApp = lazy(() => import('./admin/AdminApp'));

/** The signed-in part (`/app/…`): the top bar and the home of the user's role. */
export default function Portal() {
  const me = useMe();
  const school = useSchool().data;
  const queries = useQueryClient();
  const [, navigate] = useLocation();
  const signOut = useMutation({
    mutationFn: async () => {
      const refreshToken = session.refreshToken();
      if (refreshToken) await api.POST('/api/v1/auth/logout', { body: { refreshToken } });
    },
    onSettled: () => {
      session.signedOut();
      queries.clear();
      navigate('~/sign-in');
    },
  });
  if (me.isPending) return <Loading />;
  if (me.error || !me.data) return <ErrorNotice error={me.error} />;
  const user = me.data;
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <Link className="school" href="/">
          {school?.name ?? 'Cedar Heights'}
        </Link>
        {user.role === 'parent' && (
          <nav aria-label="Family">
            <Link href="/">Lessons</Link>
            <Link href="/makeup">Make-up</Link>
            <Link href="/bills">Bills</Link>
            <Link href="/cards">Cards</Link>
            <MessagesLink />
          </nav>
        )}
        {user.role === 'teacher' && (
          <nav aria-label="Teaching">
            <Link href="/">Week</Link>
            <Link href="/students">Students</Link>
            <Link href="/time-off">Time off</Link>
            <MessagesLink />
          </nav>
        )}
        <nav aria-label="Account">
          <NotificationsLink href={user.role === 'admin' ? '/account' : '/notifications'} />
          {user.role !== 'admin' && <Link href="/privacy">Privacy</Link>}
          <span>
            {user.firstName} {user.lastName}
          </span>
          <button type="button" className="link" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="content" className={user.role === 'admin' ? 'wide' : undefined}>
        {user.role === 'admin' ? (
          <Suspense fallback={<Loading />}>
            <AdminApp />
          </Suspense>
        ) : (
          <Switch>
            {user.role === 'parent' && <Route path="/bills">{() => <Bills me={user} />}</Route>}
            {user.role === 'parent' && <Route path="/cards">{() => <Cards me={user} />}</Route>}
            {user.role === 'parent' && <Route path="/makeup">{() => <Makeup me={user} />}</Route>}
            {user.role === 'parent' && <Route path="/lessons/:id/move">{(params) => <Reschedule lessonId={Number(params.id)} />}</Route>}
            <Route path="/messages">{() => <Messages me={user} />}</Route>
            <Route path="/messages/:id">{(params) => <ConversationPage conversationId={Number(params.id)} />}</Route>
            <Route path="/notifications" component={NotificationsPage} />
            <Route path="/preferences" component={PreferencesPage} />
            <Route path="/privacy">{() => <Privacy me={user} />}</Route>
            {user.role === 'teacher' && <Route path="/students">{() => <Students />}</Route>}
            {user.role === 'teacher' && <Route path="/students/:id">{(params) => <StudentProgress studentId={Number(params.id)} />}</Route>}
            {user.role === 'teacher' && <Route path="/time-off">{() => <TimeOff me={user} />}</Route>}
            <Route path="/">
              {user.role === 'parent' && <ParentHome me={user} />}
              {user.role === 'teacher' && <TeacherWeek me={user} />}
            </Route>
          </Switch>
        )}
      </main>
    </>
  );
}
