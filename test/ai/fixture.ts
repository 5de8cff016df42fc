import { z } from 'zod';
import { defineAiTask, runAiTaskInNode, type AiRunner } from '../../src/ai/index.js';
import { defineNode, defineWorkflow, type WorkflowRegistry } from '../../src/engine/index.js';
import type { SchoolServices } from '../../src/modules/services.js';
import { buildWorkflowRegistry } from '../../src/runtime/workflows.js';

/**
 * A realistic task for the AI layer's tests, shaped like issue 17's payment-issue triage: the
 * input carries what the office knows (addresses, phone, card, private notes), the task shares
 * only first names, amounts, dates and the family's words, and the output allows a closed list of
 * resolutions.
 */
export const resolutionKinds = ['retry_on_date', 'card_update_link', 'instalments', 'waive_late_fee', 'call_family'] as const;

export const triageInput = z.object({
  parent: z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string(), email: z.string(), phone: z.string(), address: z.string() }),
  student: z.object({ firstName: z.string(), lastName: z.string() }),
  payment: z.object({ amountCents: z.number().int(), currency: z.string(), failedOn: z.string(), failureCode: z.string() }),
  card: z.object({ brand: z.string(), number: z.string(), expMonth: z.number().int(), expYear: z.number().int() }),
  message: z.string().nullable(),
  privateNotes: z.string(),
});
export type TriageInput = z.infer<typeof triageInput>;

export const triageOutput = z.object({
  category: z.enum(['card_expired', 'insufficient_funds', 'disputed', 'other']),
  reply: z.string().min(1).max(2000),
  resolutions: z
    .array(z.object({ kind: z.enum(resolutionKinds), date: z.string().nullable() }))
    .min(1)
    .max(3),
});
export type TriageOutput = z.infer<typeof triageOutput>;

export const triageTask = defineAiTask<TriageInput, TriageOutput>({
  name: 'test.payment_triage',
  description: 'Classifies a failed payment and drafts a reply with resolutions from a closed list',
  input: triageInput,
  share: (input) => ({
    parentFirstName: input.parent.firstName,
    studentFirstName: input.student.firstName,
    amountCents: input.payment.amountCents,
    currency: input.payment.currency,
    failedOn: input.payment.failedOn,
    failureCode: input.payment.failureCode,
    cardExpires: `${input.card.expYear}-${String(input.card.expMonth).padStart(2, '0')}`,
    familyMessage: input.message,
  }),
  subjects: (input) => [input.parent.id],
  instructions: 'Classify why the payment failed, draft a short, kind reply to the parent, and propose one to three resolutions.',
  output: triageOutput,
  draft: (input) => ({
    category: input.payment.failureCode === 'expired_card' ? 'card_expired' : input.payment.failureCode === 'insufficient_funds' ? 'insufficient_funds' : 'other',
    reply: `Hello ${input.parent.firstName}, the payment of ${(input.payment.amountCents / 100).toFixed(2)} ${input.payment.currency} for ${input.student.firstName}'s lessons did not go through on ${input.payment.failedOn}.`,
    resolutions: [{ kind: input.payment.failureCode === 'expired_card' ? 'card_update_link' : 'retry_on_date', date: null }],
  }),
});

/** A family's case, with everything the office knows about it. */
export function triageCase(parentId: number, overrides: Partial<TriageInput> = {}): TriageInput {
  return {
    parent: {
      id: parentId,
      firstName: 'Marguerite',
      lastName: 'Tremblay',
      email: 'marguerite.tremblay@example.ca',
      phone: '+1 902 555 0147',
      address: '1234 Robie Street, Halifax NS B3H 3C3',
    },
    student: { firstName: 'Olivier', lastName: 'Tremblay' },
    payment: { amountCents: 18000, currency: 'CAD', failedOn: '2027-01-04', failureCode: 'expired_card' },
    card: { brand: 'visa', number: '4000 0000 0000 0069', expMonth: 12, expYear: 2026 },
    message: 'Hi! My new card ends 0069, call me at 902-555-0147 or write to marguerite.tremblay@example.ca. We moved to 88 Oxford Street.',
    privateNotes: 'PRIVATE: father lost his job in December, be gentle',
    ...overrides,
  };
}

/** A valid answer a model could give for the case above. */
export const goodAnswer: TriageOutput = {
  category: 'card_expired',
  reply: 'Hello Marguerite, your card expired; here is a link to update it.',
  resolutions: [{ kind: 'card_update_link', date: null }],
};

export const probeEvent = z.object({ input: triageInput, failFirstAttempt: z.boolean().default(false) });

/**
 * `ai_probe`: one AI node running the triage task. With `failFirstAttempt` the node's first attempt
 * fails after the task ran (as a worker dying after the provider answered), the second succeeds.
 */
export function probeWorkflow(ai: AiRunner) {
  return defineWorkflow({
    name: 'ai_probe',
    description: 'Runs the test triage task in an AI node',
    event: probeEvent,
    start: 'triage',
    nodes: [
      {
        node: defineNode<z.infer<typeof probeEvent>>({
          id: 'triage',
          retry: { maxAttempts: 2, initialDelayMs: 1 },
          process: async (ctx) => {
            const result = await runAiTaskInNode(ctx, ai, triageTask, ctx.event.input);
            if (ctx.event.failFirstAttempt && ctx.attempt === 1) throw new Error('lost after the provider answered');
            return result;
          },
        }),
      },
    ],
  });
}

/** The school's registry plus `ai_probe`. */
export function registryWithProbe(services: SchoolServices): WorkflowRegistry {
  const registry = buildWorkflowRegistry(services);
  registry.register(probeWorkflow(services.ai));
  return registry;
}
