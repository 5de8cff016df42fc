import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api/client';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../ui/components';

/** `/set-password?token=` (a new account) and `/reset-password?token=` (a forgotten password). */
export function SetPassword() {
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const isNew = window.location.pathname.startsWith('/set-password');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const confirm = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, newPassword: password } })),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeat);
    if (password === repeat) confirm.mutate();
  };
  if (confirm.isSuccess) {
    return (
      <main className="narrow">
        <div className="card">
          <OkNotice>Your password is set.</OkNotice>
          <Link href="/sign-in">Sign in</Link>
        </div>
      </main>
    );
  }
  return (
    <main className="narrow">
      <div className="card">
        <h1>{isNew ? 'Choose your password' : 'Choose a new password'}</h1>
        {!token && <div className="notice error">This link has no token. Open the link from your e-mail again.</div>}
        <form onSubmit={submit} noValidate>
          <ErrorNotice error={confirm.error} />
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            value={password}
            onChange={setPassword}
            problem={fieldProblem(confirm.error, 'newPassword')}
            required
          />
          <Field
            label="Repeat the password"
            name="repeat"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={setRepeat}
            problem={mismatch ? 'The two passwords differ.' : undefined}
            required
          />
          <button className="button" type="submit" disabled={confirm.isPending || !token}>
            Save password
          </button>
        </form>
      </div>
    </main>
  );
}
