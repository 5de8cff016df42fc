import { CardElement, Elements, useElements, useStripe } from '@stripe/react-stripe-js';
import { loadStripe } from '@stripe/stripe-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { ErrorNotice, Loading, OkNotice } from '../../ui/components';

/**
 * Adding a card with Stripe Elements (this chunk is loaded only when the server has a publishable
 * key): the server makes a SetupIntent, Stripe.js confirms it with the card typed into Stripe's
 * field, and the resulting payment method is saved like any other (POST …/payment-methods).
 */
export default function StripeCardForm({ parentId, publishableKey }: { parentId: number; publishableKey: string }) {
  const stripe = useQuery({ queryKey: ['stripe-js', publishableKey], queryFn: () => loadStripe(publishableKey), staleTime: Number.POSITIVE_INFINITY, retry: false });
  if (stripe.isPending) return <Loading />;
  if (stripe.error || !stripe.data) return <ErrorNotice error={stripe.error ?? new Error('The card form (Stripe.js) could not be loaded; try again later.')} />;
  return (
    <Elements stripe={stripe.data}>
      <CardForm parentId={parentId} />
    </Elements>
  );
}

function CardForm({ parentId }: { parentId: number }) {
  const stripe = useStripe();
  const elements = useElements();
  const queries = useQueryClient();
  const [makeDefault, setMakeDefault] = useState(false);
  const save = useMutation({
    mutationFn: async () => {
      const card = elements?.getElement('card');
      if (!stripe || !card) throw new Error('The card form is still loading.');
      const intent = await call(api.POST('/api/v1/billing/{parentId}/setup-intents', { params: { path: { parentId } } }));
      const confirmed = await stripe.confirmCardSetup(intent.clientSecret, { payment_method: { card } });
      if (confirmed.error) throw new Error(confirmed.error.message ?? 'Stripe refused the card.');
      const method = confirmed.setupIntent.payment_method;
      const paymentMethod = typeof method === 'string' ? method : method?.id;
      if (!paymentMethod) throw new Error('Stripe confirmed the card but returned no payment method.');
      return call(api.POST('/api/v1/billing/{parentId}/payment-methods', { params: { path: { parentId } }, body: { paymentMethod, makeDefault } }));
    },
    onSuccess: () => {
      elements?.getElement('card')?.clear();
      void queries.invalidateQueries({ queryKey: ['billing', parentId] });
    },
  });
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <fieldset className="field">
        <legend>Card details</legend>
        <div className="stripe-card">
          <CardElement options={{ hidePostalCode: false }} />
        </div>
      </fieldset>
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
      <button className="button" type="submit" disabled={save.isPending || !stripe}>
        Save card
      </button>
    </form>
  );
}
