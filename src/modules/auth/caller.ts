import type { FastifyRequest } from 'fastify';
import type { Caller } from './scoped.js';
import type { AuditActor } from '../audit/record.js';
import { principalOf } from './guard.js';

/** The signed-in caller of a non-public route, for `asCaller`. */
export function callerOf(request: FastifyRequest): Caller {
  const principal = principalOf(request);
  return { userId: principal.userId, role: principal.role };
}

/** The audit actor of a request (signed-in or not). */
export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  return { userId: principal?.userId ?? null, role: principal?.role ?? 'public', requestId: request.id };
}
