-- Settling failed payments, so a family is never charged twice for one debt, and payments received
-- outside the gateway (cash, e-transfer, cheque).
--
-- A failed payment F is settled by another payment P of the same family (a card payment made with
-- settles_payment_id, or for the same lesson, or an offline payment). When P is created it claims F
-- in the same transaction (F.settled_by_payment_id = P, F.next_retry_at = NULL), conditionally on F
-- being failed and unclaimed; a dunning or manual retry of F claims its attempt only while
-- F.settled_by_payment_id IS NULL. Both are conditional UPDATEs of F's row, so exactly one wins:
-- a retry already charging refuses the settlement (409), a settlement refuses every later retry.
-- When P succeeds, F becomes 'cancelled' (paid by P; its retries end); when P fails, F is released
-- and goes back to its own dunning schedule, and P, a failed attempt to pay F, owes nothing itself.

-- settles_payment_id: on P, the failed payment P pays. settled_by_payment_id: on F, the payment that
-- claimed it (while F is still 'failed') or paid it (F 'cancelled'). retries_cancelled_at: no
-- automatic retry of this payment will run any more (an admin cancelled them, or it was settled).
-- received_on, reference: an offline payment's day of receipt and its cheque or transfer number.
ALTER TABLE payments ADD COLUMN settles_payment_id integer REFERENCES payments (id) ON DELETE NO ACTION;
ALTER TABLE payments ADD COLUMN settled_by_payment_id integer REFERENCES payments (id) ON DELETE NO ACTION;
ALTER TABLE payments ADD COLUMN retries_cancelled_at timestamptz;
ALTER TABLE payments ADD COLUMN received_on date;
ALTER TABLE payments ADD COLUMN reference text;
ALTER TABLE payments ADD CONSTRAINT payments_settles_other_check
  CHECK (settles_payment_id <> id AND settled_by_payment_id <> id);
ALTER TABLE payments DROP CONSTRAINT payments_method_check;
ALTER TABLE payments ADD CONSTRAINT payments_method_check
  CHECK (method IN ('card', 'bank_transfer', 'cash', 'etransfer', 'cheque'));
CREATE INDEX payments_settled_by_idx ON payments (settled_by_payment_id) WHERE settled_by_payment_id IS NOT NULL;

-- Offline payments are in the ledger too, under the pseudo-gateway 'offline' (reconciliation
-- compares one real gateway at a time, so they never show as missing at the gateway).
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_gateway_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_gateway_check CHECK (gateway IN ('stripe', 'simulated', 'offline'));

-- payments_record_succeeded (0007) also settles the failed payments its payment claimed: they
-- become 'cancelled' (retries ended), their lessons paid, with an audit row each; and the family's
-- flag counts neither them nor failed settlement attempts as unpaid. Same signature and result.
CREATE OR REPLACE FUNCTION payments_record_succeeded(
  p_payment_id integer, p_amount_cents integer, p_currency text, p_gateway text, p_intent_id text, p_created timestamptz,
  p_attempt integer, p_charge_id text, p_payment_method_id text, p_receipt_number text,
  p_actor_id integer, p_actor_role text, p_request_id text,
  p_event_id text, p_event_type text, p_event_object_id text, p_event_created timestamptz)
RETURNS TABLE (id integer, parent_id integer, student_id integer, lesson_id integer, amount_cents integer, currency text,
  status text, attempt_count integer, description text, first_failed_at timestamptz, next_retry_at timestamptz,
  receipt_number text, paid_at timestamptz, entered integer, updated boolean, claimed boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH claim AS (
    INSERT INTO webhook_events (id, type, object_id, event_created, status, processed_at)
    SELECT p_event_id, p_event_type, p_event_object_id, p_event_created, 'processed', now() WHERE p_event_id IS NOT NULL
    ON CONFLICT (id) DO UPDATE SET status = 'processed', processed_at = now(), attempts = webhook_events.attempts + 1, last_error = NULL
      WHERE webhook_events.status = 'failed'
         OR (webhook_events.status = 'processing' AND webhook_events.received_at < now() - interval '1 minute')
    RETURNING 1
  ), before AS (
    SELECT p.id, p.parent_id, p.student_id, p.lesson_id, p.amount_cents, p.currency::text AS currency, p.status, p.attempt_count,
           p.description, p.first_failed_at, p.next_retry_at, p.receipt_number, p.paid_at
    FROM payments p WHERE p.id = p_payment_id AND (p_event_id IS NULL OR EXISTS (SELECT 1 FROM claim)) FOR UPDATE
  ), entry AS (
    INSERT INTO ledger_entries (parent_id, payment_id, kind, amount_cents, currency, gateway, gateway_object_id, entry_key, description, occurred_at)
    SELECT b.parent_id, b.id, 'payment', p_amount_cents, p_currency, p_gateway, p_intent_id, 'payment:' || p_intent_id, b.description, p_created
    FROM before b
    ON CONFLICT (entry_key) DO NOTHING RETURNING 1
  ), attempt AS (
    -- (the attempt may not know its intent yet: the worker can die between the charge and saving it)
    UPDATE payment_attempts a SET status = 'succeeded', failure_code = NULL, failure_message = NULL,
      gateway_payment_intent_id = COALESCE(a.gateway_payment_intent_id, p_intent_id)
    WHERE (a.gateway_payment_intent_id = p_intent_id OR (a.payment_id = p_payment_id AND a.attempt = p_attempt AND a.gateway_payment_intent_id IS NULL))
      AND a.status <> 'succeeded' AND EXISTS (SELECT 1 FROM before)
    RETURNING 1
  ), after AS (
    UPDATE payments p SET status = CASE WHEN b.status IN ('refunded', 'partially_refunded') THEN b.status ELSE 'succeeded' END,
      gateway = p_gateway, gateway_payment_intent_id = p_intent_id, gateway_charge_id = p_charge_id,
      gateway_payment_method_id = COALESCE(p_payment_method_id, p.gateway_payment_method_id), paid_at = p_created,
      receipt_number = p_receipt_number, next_retry_at = NULL, failure_code = NULL, failure_reason = NULL
    FROM before b
    WHERE p.id = b.id AND NOT (b.status IN ('succeeded', 'refunded', 'partially_refunded') AND b.paid_at IS NOT NULL)
    RETURNING p.id, p.parent_id, p.student_id, p.lesson_id, p.amount_cents, p.currency::text AS currency, p.status, p.attempt_count,
      p.description, p.first_failed_at, p.next_retry_at, p.receipt_number, p.paid_at
  ), settled AS (
    UPDATE payments f SET status = 'cancelled', next_retry_at = NULL, retries_cancelled_at = COALESCE(f.retries_cancelled_at, now())
    FROM before b
    WHERE f.settled_by_payment_id = b.id AND f.status = 'failed'
    RETURNING f.id, f.lesson_id, f.status, f.attempt_count, f.failure_code
  ), lesson AS (
    UPDATE lessons l SET payment_status = 'paid'
    WHERE (l.id = (SELECT a.lesson_id FROM after a) OR l.id IN (SELECT s.lesson_id FROM settled s)) AND l.payment_status <> 'paid'
    RETURNING 1
  ), flag AS (
    UPDATE family_flags f SET cleared_at = now()
    WHERE f.parent_id = (SELECT b.parent_id FROM before b) AND f.cleared_at IS NULL
      AND (EXISTS (SELECT 1 FROM after) OR EXISTS (SELECT 1 FROM settled))
      AND NOT EXISTS (SELECT 1 FROM payments x WHERE x.parent_id = f.parent_id AND x.status = 'failed' AND x.id <> p_payment_id
                        AND x.settles_payment_id IS NULL AND x.settled_by_payment_id IS DISTINCT FROM p_payment_id)
    RETURNING 1
  ), audit AS (
    INSERT INTO audit_log (actor_id, actor_role, action, entity, entity_id, before, after, request_id)
    SELECT p_actor_id, p_actor_role, 'payment.succeeded', 'payment', a.id::text, to_jsonb(b), to_jsonb(a), p_request_id FROM after a, before b
    UNION ALL
    SELECT p_actor_id, p_actor_role, 'payment.settled', 'payment', s.id::text, jsonb_build_object('status', 'failed'),
      jsonb_build_object('status', s.status, 'settledByPaymentId', p_payment_id, 'attemptCount', s.attempt_count, 'failureCode', s.failure_code),
      p_request_id FROM settled s
    RETURNING 1
  )
  -- (every data-modifying CTE runs to completion whether or not it is read here)
  SELECT COALESCE(a.id, b.id), COALESCE(a.parent_id, b.parent_id), COALESCE(a.student_id, b.student_id), COALESCE(a.lesson_id, b.lesson_id),
    COALESCE(a.amount_cents, b.amount_cents), COALESCE(a.currency, b.currency), COALESCE(a.status, b.status),
    COALESCE(a.attempt_count, b.attempt_count), COALESCE(a.description, b.description), COALESCE(a.first_failed_at, b.first_failed_at),
    COALESCE(a.next_retry_at, b.next_retry_at), COALESCE(a.receipt_number, b.receipt_number), COALESCE(a.paid_at, b.paid_at),
    (SELECT count(*) FROM entry)::integer, a.id IS NOT NULL OR EXISTS (SELECT 1 FROM settled), p_event_id IS NULL OR EXISTS (SELECT 1 FROM claim)
  FROM (SELECT 1) one LEFT JOIN before b ON true LEFT JOIN after a ON true;
END;
$$;
