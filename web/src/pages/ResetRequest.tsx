import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api/client';
import { ErrorNotice, Field, fieldProblem, OkNotice } from '../ui/components';

/** `/reset-password` without a token: asks for the e-mail and has the link sent. */
export function ResetRequest() {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: () => call(api.POST('/api/v1/auth/password-reset/request', { body: { email } })) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <main className="narrow">
      <div className="card">
        <h1>Reset your password</h1>
        {request.isSuccess ? (
          <OkNotice>If an account uses {email}, a link to choose a new password is on its way.</OkNotice>
        ) : (
          <form onSubmit={submit} noValidate>
            <ErrorNotice error={request.error} />
            <Field label="E-mail" name="email" type="email" autoComplete="username" value={email} onChange={setEmail} problem={fieldProblem(request.error, 'email')} required />
            <button className="button" type="submit" disabled={request.isPending}>
              Send the link
            </button>
          </form>
        )}
        <p>
          <Link href="/sign-in">Back to sign in</Link>
        </p>
      </div>
    </main>
  );
}
