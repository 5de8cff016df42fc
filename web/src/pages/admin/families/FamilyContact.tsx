import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call } from '../../../api/client';
import { useSchoolZone } from '../../../auth/hooks';
import { Card, ErrorNotice, Field, fieldProblem, OkNotice } from '../../../ui/components';
import { dateTime } from '../../../ui/format';
import type { Account } from './types';

/** The parent's contact: shown, edited (`PATCH /users/{id}`), deactivated (`DELETE`, sessions end) or reactivated. */
export function FamilyContact({ parent }: { parent: Account }) {
  const zone = useSchoolZone();
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['user', parent.id] });
    void queries.invalidateQueries({ queryKey: ['users'] });
  };
  const deactivate = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/users/{id}', { params: { path: { id: parent.id } } })),
    onSuccess: () => {
      setConfirming(false);
      refresh();
    },
  });
  const reactivate = useMutation({
    mutationFn: () => call(api.PATCH('/api/v1/users/{id}', { params: { path: { id: parent.id } }, body: { isActive: true } })),
    onSuccess: refresh,
  });
  return (
    <Card title="Contact">
      {editing ? (
        <ContactForm parent={parent} onDone={() => setEditing(false)} />
      ) : (
        <>
          <dl className="pairs">
            <dt>Name</dt>
            <dd>
              {parent.firstName} {parent.lastName}
            </dd>
            <dt>E-mail</dt>
            <dd className="breakable">{parent.email}</dd>
            <dt>Phone</dt>
            <dd>{parent.phone ?? '—'}</dd>
            <dt>Account</dt>
            <dd>{parent.isActive ? (parent.passwordSet ? 'Active' : 'Invited, no password chosen yet') : 'Deactivated'}</dd>
            <dt>Last sign-in</dt>
            <dd>{parent.lastLoginAt ? dateTime(parent.lastLoginAt, zone) : 'Never'}</dd>
          </dl>
          <ErrorNotice error={deactivate.error ?? reactivate.error} />
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setEditing(true)}>
              Edit contact
            </button>
            {parent.isActive && !confirming && (
              <button type="button" className="button danger" onClick={() => setConfirming(true)}>
                Deactivate account
              </button>
            )}
            {!parent.isActive && (
              <button type="button" className="button secondary" disabled={reactivate.isPending} onClick={() => reactivate.mutate()}>
                Reactivate account
              </button>
            )}
          </div>
          {confirming && (
            <div className="actions">
              <button type="button" className="button danger" disabled={deactivate.isPending} onClick={() => deactivate.mutate()}>
                Yes, deactivate {parent.firstName} {parent.lastName} (signs them out)
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
                Keep the account
              </button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function ContactForm({ parent, onDone }: { parent: Account; onDone: () => void }) {
  const queries = useQueryClient();
  const [form, setForm] = useState({ firstName: parent.firstName, lastName: parent.lastName, email: parent.email, phone: parent.phone ?? '' });
  const set = (key: keyof typeof form) => (value: string) => setForm((current) => ({ ...current, [key]: value }));
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: parent.id } },
          body: { firstName: form.firstName, lastName: form.lastName, email: form.email, phone: form.phone.trim() || null },
        }),
      ),
    onSuccess: (saved) => {
      queries.setQueryData(['user', parent.id], saved);
      void queries.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <ErrorNotice error={save.error} />
      <Field label="First name" name="firstName" value={form.firstName} onChange={set('firstName')} problem={fieldProblem(save.error, 'firstName')} required />
      <Field label="Last name" name="lastName" value={form.lastName} onChange={set('lastName')} problem={fieldProblem(save.error, 'lastName')} required />
      <Field label="E-mail" name="email" type="email" value={form.email} onChange={set('email')} problem={fieldProblem(save.error, 'email')} required />
      <Field label="Phone" name="phone" type="tel" value={form.phone} onChange={set('phone')} problem={fieldProblem(save.error, 'phone')} hint="Leave empty to remove it" />
      {save.isSuccess && <OkNotice>Contact saved.</OkNotice>}
      <div className="actions">
        <button className="button" type="submit" disabled={save.isPending}>
          Save contact
        </button>
        <button className="button secondary" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
