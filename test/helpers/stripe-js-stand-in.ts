import type { Page } from 'playwright-core';

/**
 * A stand-in for Stripe.js (js.stripe.com cannot be reached from the test machine): the few calls
 * the Cards page makes through @stripe/stripe-js and @stripe/react-stripe-js — `Stripe(key)`,
 * `elements().create('card')` with mount/on/off/update/clear/destroy, and `confirmCardSetup`.
 * The card field is a plain input labelled "Card number"; 4000 0000 0000 0002 is declined, a
 * number ending 4444 gives `pm_card_mastercard`, any other `pm_card_visa`. Every confirmation is
 * recorded in `window.stripeStandIn.confirmations` ({ publishableKey, clientSecret }).
 */
const script = String.raw`
(() => {
  const confirmations = [];
  window.stripeStandIn = { confirmations };
  function cardElement() {
    const listeners = {};
    let input = null;
    const emit = (event, payload) => (listeners[event] || []).forEach((fn) => fn(payload));
    const element = {
      mount(target) {
        const host = typeof target === 'string' ? document.querySelector(target) : target;
        input = document.createElement('input');
        input.setAttribute('aria-label', 'Card number');
        input.setAttribute('inputmode', 'numeric');
        input.style.width = '100%';
        input.style.boxSizing = 'border-box';
        input.addEventListener('input', () => {
          const digits = input.value.replace(/\D/g, '');
          emit('change', { elementType: 'card', empty: digits.length === 0, complete: digits.length >= 16, brand: 'unknown', value: {} });
        });
        host.appendChild(input);
        setTimeout(() => emit('ready', { elementType: 'card' }), 0);
      },
      on(event, fn) { (listeners[event] = listeners[event] || []).push(fn); return element; },
      off(event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn); return element; },
      update() {}, focus() { input && input.focus(); }, blur() {}, clear() { if (input) input.value = ''; },
      unmount() { input && input.remove(); }, destroy() { input && input.remove(); input = null; },
      number() { return input ? input.value.replace(/\D/g, '') : ''; },
    };
    return element;
  }
  window.Stripe = function Stripe(publishableKey) {
    let card = null;
    const elements = {
      create(type) { if (type !== 'card') throw new Error('stand-in: only the card element'); card = cardElement(); return card; },
      getElement(type) { return type === 'card' || (type && type.__elementType === 'card') ? card : null; },
      update() {},
    };
    return {
      elements() { return elements; },
      createToken() { throw new Error('stand-in: not used'); },
      createPaymentMethod() { throw new Error('stand-in: not used'); },
      confirmCardPayment() { throw new Error('stand-in: not used'); },
      _registerWrapper() {},
      registerAppInfo() {},
      async confirmCardSetup(clientSecret, data) {
        confirmations.push({ publishableKey, clientSecret });
        const number = data.payment_method.card.number();
        if (number === '4000000000000002') return { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } };
        const id = clientSecret.split('_secret_')[0];
        return { setupIntent: { id, object: 'setup_intent', status: 'succeeded', payment_method: number.endsWith('4444') ? 'pm_card_mastercard' : 'pm_card_visa' } };
      },
    };
  };
  window.Stripe.version = 'endive';
})();
`;

/** Serves the stand-in for every https://js.stripe.com request of the page. */
export async function routeStripeJs(page: Page): Promise<void> {
  await page.route('https://js.stripe.com/**', (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: script }));
}
