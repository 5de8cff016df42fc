import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, call } from '../api/client';
import { session } from '../auth/session';
import { useSchool } from '../auth/hooks';
import { ErrorNotice, Field, fieldProblem } from '../ui/components';

export function SignIn() {
  const school = useSchool().data;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [, navigate] = useLocation();
  const queries = useQueryClient();
  const signIn = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/login', { body: { email, password } })),
    onSuccess: (pair) => {
      queries.clear();
      session.signedIn(pair);
      navigate('/app');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="narrow">
      <div className="card">
        <h1>{school?.name ?? 'Cedar Heights'}</h1>
        <p className="muted">Sign in to see your lessons, bills and messages.</p>
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={signIn.error} />
          <Field label="E-mail" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} problem={fieldProblem(signIn.error, 'email')} required />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            problem={fieldProblem(signIn.error, 'password')}
            required
          />
          <div className="actions">
            <button className="button" type="submit" disabled={signIn.isPending}>
              Sign in
            </button>
            <Link href="/reset-password">Forgot your password?</Link>
          </div>
        </form>
      </div>
    </main>
  );
}
