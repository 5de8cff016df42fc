-- The simulated payment gateway (src/modules/payments/gateway/simulated): a stand-in for Stripe's
-- test mode whose state lives in the database, so it survives restarts and is shared by every
-- process on the database. It is not school data: only the gateway reads these tables.

-- Every Stripe-shaped object (customer, payment_method, payment_intent, charge, refund, product,
-- subscription, invoice, test_clock) as the JSON Stripe would return, keyed by its Stripe-like id;
-- seq orders objects created in the same instant.
CREATE TABLE sim_gateway_objects (
  id          text PRIMARY KEY,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  object      text NOT NULL,
  customer_id text,
  created_at  timestamptz NOT NULL,
  data        jsonb NOT NULL
);
CREATE INDEX sim_gateway_objects_object_created_idx ON sim_gateway_objects (object, created_at);
CREATE INDEX sim_gateway_objects_customer_idx ON sim_gateway_objects (customer_id, object)
  WHERE customer_id IS NOT NULL;

-- Idempotency keys: the stored answer of the first request with a key (Stripe replays it for the
-- same request; a different request with the same key is refused).
CREATE TABLE sim_gateway_idempotency (
  key          text PRIMARY KEY,
  request_hash text NOT NULL,
  response     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Webhook events in creation order; delivered_at stays NULL until the delivery callback succeeded.
CREATE TABLE sim_gateway_events (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text NOT NULL,
  type         text NOT NULL,
  payload      text NOT NULL,
  created_at   timestamptz NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  delivered_at timestamptz,
  last_error   text,
  CONSTRAINT sim_gateway_events_id_key UNIQUE (id)
);
CREATE INDEX sim_gateway_events_pending_idx ON sim_gateway_events (seq) WHERE delivered_at IS NULL;
