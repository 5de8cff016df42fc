import { lazy, Suspense } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { useSignedIn } from './auth/hooks';
import { Loading } from './ui/components';
import { SignIn } from './pages/SignIn';
import { SetPassword } from './pages/SetPassword';
import { ResetRequest } from './pages/ResetRequest';

/** Signed-in pages load as their own chunk: the sign-in and password pages stay small. */
const Portal = lazy(() => import('./pages/Portal'));

/**
 * Pages: `/sign-in`, `/set-password?token=` and `/reset-password?token=` (the pages the e-mails
 * link to; `/reset-password` without a token asks for the link), `/app/…` the portal of the
 * signed-in user's role. The server answers this app for every one of these paths.
 */
export function App() {
  const signedIn = useSignedIn();
  return (
    <Switch>
      <Route path="/sign-in" component={SignIn} />
      <Route path="/set-password" component={SetPassword} />
      <Route path="/reset-password">{() => (new URLSearchParams(window.location.search).has('token') ? <SetPassword /> : <ResetRequest />)}</Route>
      <Route path="/app" nest>
        {signedIn ? (
          <Suspense fallback={<Loading />}>
            <Portal />
          </Suspense>
        ) : (
          <Redirect to="~/sign-in" />
        )}
      </Route>
      <Route>
        <Redirect to={signedIn ? '/app' : '/sign-in'} />
      </Route>
    </Switch>
  );
}
