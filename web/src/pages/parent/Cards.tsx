import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { api, call } from '../../api/client';
import { Card, ErrorNotice, Field, fieldProblem, Loading, OkNotice } from '../../ui/components';
import type { Me } from '../types';
import './cards.css';

/** Stripe Elements and Stripe.js are loaded only when the server hands out a publishable key. */
const StripeCardForm = lazy(() => import('./StripeCardForm'));

/** The simulated gateway's test cards (no Stripe key): they attach; declines show when charged. */
const testCards = [
  { value: 'pm_card_visa', label: 'Visa test card ending 4242' },
  { value: 'pm_card_mastercard', label: 'Mastercard test card ending 4444' },
  { value: 'pm_card_amex', label: 'Amex test card ending 8431' },
  { value: 'pm_card_visa_debit', label: 'Visa debit test card ending 5556' },
] as const;

/**
 * The family's saved cards: list, make one the default, add one: with Stripe Elements when the
 * server has a Stripe publishable key, else a test card of the simulated gateway (or a pm_…/tok_… id).
 */
export function Cards({ me }: { me: Me }) {
  const queries = useQueryClient();
  const billing = useQuery({ queryKey: ['billing', me.id], queryFn: () => call(api.GET('/api/v1/billing/{parentId}', { params: { path: { parentId: me.id } } })) });
  const save = useMutation({
    mutationFn: (input: { paymentMethod: string; makeDefault: boolean }) =>
      call(api.POST('/api/v1/billing/{parentId}/payment-methods', { params: { path: { parentId: me.id } }, body: input })),
    onSuccess: () => void queries.invalidateQueries({ queryKey: ['billing', me.id] }),
  });
  const [paymentMethod, setPaymentMethod] = useState<string>(testCards[0].value);
  const [makeDefault, setMakeDefault] = useState(false);
  const cardForm = useQuery({ queryKey: ['card-form'], queryFn: () => call(api.GET('/api/v1/billing/card-form')), staleTime: Number.POSITIVE_INFINITY });
  const methods = billing.data?.paymentMethods ?? [];
  const publishableKey = cardForm.data?.publishableKey;
  return (
    <>
      <h1>Saved cards</h1>
      <div className="grid">
        <Card title="Your cards">
          {billing.isPending && <Loading />}
          <ErrorNotice error={billing.error} />
          {billing.data && methods.length === 0 && <p className="muted">No card saved yet.</p>}
          <ul className="list" aria-label="Saved cards">
            {methods.map((method) => (
              <li key={method.id}>
                <strong>
                  {method.brand} ending {method.last4}
                </strong>{' '}
                <span className="muted">
                  expires {String(method.expMonth).padStart(2, '0')}/{method.expYear}
                </span>{' '}
                {method.isDefault ? (
                  <span className="badge">default</span>
                ) : (
                  <div className="actions">
                    <button type="button" className="button secondary" disabled={save.isPending} onClick={() => save.mutate({ paymentMethod: method.id, makeDefault: true })}>
                      Make {method.brand} ending {method.last4} the default
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Add a card">
          {cardForm.isPending && <Loading />}
          <ErrorNotice error={cardForm.error} />
          {publishableKey && (
            <Suspense fallback={<Loading />}>
              <StripeCardForm parentId={me.id} publishableKey={publishableKey} />
            </Suspense>
          )}
          {cardForm.data && !publishableKey && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                save.mutate({ paymentMethod: paymentMethod.trim(), makeDefault });
              }}
            >
              <div className="field">
                <label htmlFor="test-card">Test card</label>
                <select id="test-card" value={testCards.some((c) => c.value === paymentMethod) ? paymentMethod : ''} onChange={(event) => setPaymentMethod(event.target.value)}>
                  {testCards.map((card) => (
                    <option key={card.value} value={card.value}>
                      {card.label}
                    </option>
                  ))}
                  <option value="">Another card id…</option>
                </select>
              </div>
              <Field
                label="Card id"
                name="paymentMethod"
                value={paymentMethod}
                onChange={setPaymentMethod}
                hint="The card form's token (tok_…) or payment method id (pm_…)"
                problem={fieldProblem(save.error, 'paymentMethod')}
              />
              <div className="actions">
                <label>
                  <input type="checkbox" checked={makeDefault} onChange={(event) => setMakeDefault(event.target.checked)} /> Make it the default card
                </label>
              </div>
              <ErrorNotice error={save.error} />
              {save.isSuccess && (
                <OkNotice>
                  Saved: {save.data.brand} ending {save.data.last4}
                  {save.data.isDefault ? ' (default)' : ''}.
                </OkNotice>
              )}
              <button className="button" type="submit" disabled={save.isPending || !paymentMethod.trim()}>
                Save card
              </button>
            </form>
          )}
        </Card>
      </div>
    </>
  );
}
