/**
 * The enrollment workflow (issue 7):
 *
 *   validate → decide ─┬─ reject                                   (a rule said no; nothing created; family told)
 *                      ├─ waitlist → waitlisted ─┬─ family …       (no free teacher; family told; the run
 *                      │                          └─ reject         waits for a place: promote / waitlist moves)
 *                      ├─ confirm → confirmed ─┬─ reject / waitlist / family …
 *                      │   (a public form with an existing account's e-mail: its owner confirms first)
 *                      └─ family → payment → assign → demo → welcome
 *
 * Every writing node does its writes in `ctx.transaction`, which records the node's result in the
 * same transaction, so a node run again (retry, resume after a crash) gets that result and writes
 * nothing twice; outside calls (gateway, notifications) carry idempotency keys. The enrollments row
 * keeps what the list and API show. A permanent failure after `family` compensates in reverse from
 * the nodes' outputs (demo lesson, teacher assignment, the gateway customer noted as kept, student
 * and new parent account), and `validate`'s compensation marks the enrollment failed: nothing
 * half-made remains. Payment setup, the demo slot and the welcome e-mails record their failures
 * instead.
 */
import { defineWorkflow, type Workflow } from '../../../engine/index.js';
import { assignNode } from './assign.js';
import { afterConfirmRouter, confirmNode } from './confirm.js';
import { rejectNode } from './decisions.js';
import { demoNode } from './demo.js';
import { ENROLLMENT_WORKFLOW, enrollmentEvent, nodeDeps, type EnrollmentEvent, type EnrollmentWorkflowDeps } from './deps.js';
import { familyNode } from './family.js';
import { paymentNode } from './payment.js';
import { decideRouter, validateNode } from './validate.js';
import { afterWaitlistRouter, waitlistNode } from './waitlist.js';
import { welcomeNode } from './welcome.js';

export { ENROLLMENT_WORKFLOW, type EnrollmentEvent, type EnrollmentFaults, type EnrollmentWorkflowDeps } from './deps.js';

/** Builds the enrollment workflow over the process's services (and, in tests only, a fault seam). */
export function enrollmentWorkflow(options: EnrollmentWorkflowDeps): Workflow<EnrollmentEvent> {
  const deps = nodeDeps(options);
  return defineWorkflow({
    name: ENROLLMENT_WORKFLOW,
    description: 'Enroll a student: validate (waitlisted until a place opens), create or reuse the family, set up payment, assign a teacher, book the demo lesson, welcome e-mails',
    event: enrollmentEvent,
    start: 'validate',
    nodes: [
      { node: validateNode(deps), connections: ['decide'] },
      { node: decideRouter, connections: ['reject', 'waitlist', 'confirm', 'family'] },
      { node: confirmNode(deps), connections: ['confirmed'] },
      { node: afterConfirmRouter, connections: ['reject', 'waitlist', 'family'] },
      { node: rejectNode(deps) },
      { node: waitlistNode(deps), connections: ['waitlisted'] },
      { node: afterWaitlistRouter, connections: ['family', 'reject'] },
      { node: familyNode(deps), connections: ['payment'] },
      { node: paymentNode(deps), connections: ['assign'] },
      { node: assignNode(deps), connections: ['demo'] },
      { node: demoNode(deps), connections: ['welcome'] },
      { node: welcomeNode(deps) },
    ],
  });
}
