import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { session } from '../../../auth/session';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';

/**
 * Changes the signed-in user's password (`POST /auth/password`). The server ends every other session
 * and answers a new token pair, which this page keeps so the user stays signed in here.
 */
export function ChangePassword() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
    onSuccess: (pair) => {
      session.signedIn(pair);
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  return (
    <Card title="Change password">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={setCurrentPassword}
          problem={fieldProblem(change.error, 'currentPassword')}
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          hint="At least 12 characters. Signs you out everywhere else."
          value={newPassword}
          onChange={setNewPassword}
          problem={fieldProblem(change.error, 'newPassword')}
        />
        <ErrorNotice error={change.error} />
        {change.isSuccess && <OkNotice>Password changed. Other sessions are signed out.</OkNotice>}
        <button className="button" type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </Card>
  );
}
