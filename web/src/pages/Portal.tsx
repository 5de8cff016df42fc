import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, Route, Switch, useLocation } from 'wouter';
import { api } from '../api/client';
import { useMe, useSchool } from '../auth/hooks';
import { session } from '../auth/session';
import { ErrorNotice, Loading } from '../ui/components';
import { AdminHome } from './admin/AdminHome';
import { Enrol } from './admin/Enrol';
import { ParentHome } from './parent/ParentHome';
import { TeacherWeek } from './teacher/TeacherWeek';

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
        {user.role === 'admin' && (
          <nav aria-label="Office">
            <Link href="/">Office</Link>
            <Link href="/enrol">Enrol a family</Link>
          </nav>
        )}
        <nav aria-label="Account">
          <span>
            {user.firstName} {user.lastName}
          </span>
          <button type="button" className="link" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="content">
        <Switch>
          {user.role === 'admin' && <Route path="/enrol" component={Enrol} />}
          <Route path="/">
            {user.role === 'parent' && <ParentHome me={user} />}
            {user.role === 'teacher' && <TeacherWeek me={user} />}
            {user.role === 'admin' && <AdminHome />}
          </Route>
        </Switch>
      </main>
    </>
  );
}
