import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Database, Orm } from '../../db/client.js';
import { asCaller } from '../auth/scoped.js';
import { actorOf, callerOf } from '../auth/caller.js';
import { pageOf } from '../../http/pagination.js';
import type { AuditActor } from '../audit/record.js';
import { errors, idParams, noContent, security } from '../records/common.js';
import { deleteClosure, getClosure, listClosures, updateClosure } from './closures.js';
import * as s from './schemas.js';
import { createSemester, deleteSemester, getSemester, listSemesters, updateSemester } from './semesters.js';
import { createYear, deleteYear, getYear, listYears, updateYear } from './years.js';

const admin = { access: ['admin'] as const };
const signedIn = { access: 'authenticated' as const };
const tags = ['academics'];

/** The five operations of one calendar resource, each run inside the caller's transaction. */
interface Resource<Q, B, V> {
  path: string;
  label: string;
  item: z.ZodType<V>;
  listQuery: z.ZodType<Q>;
  body: z.ZodType<B>;
  patch: z.ZodType<Partial<B>>;
  list(tx: Orm, query: Q): Promise<{ data: V[]; page: number; pageSize: number; total: number }>;
  get(tx: Orm, id: number): Promise<V>;
  /** Omitted: POST is served elsewhere (closures: the disruptions module, which acts on the lessons a closure hits). */
  create?(tx: Orm, actor: AuditActor, body: B): Promise<V>;
  update(tx: Orm, actor: AuditActor, id: number, patch: Partial<B>): Promise<V>;
  remove(tx: Orm, actor: AuditActor, id: number): Promise<void>;
}

/**
 * /api/v1/academic-years, /semesters, /closures: read by anyone signed in, written by admins
 * (POST /closures by the disruptions module).
 */
export const academicsRoutes =
  (db: Database): FastifyPluginAsyncZod =>
  async (app) => {
    const run = <T>(request: FastifyRequest, work: (tx: Orm, actor: AuditActor) => Promise<T>): Promise<T> => asCaller(db, callerOf(request), (tx) => work(tx, actorOf(request)));

    // Generic over the resource, so the handlers are typed by Resource rather than by the type provider;
    // the Zod schemas still validate every request and response.
    const plain = app as unknown as FastifyInstance;
    const idOf = (request: FastifyRequest): number => (request.params as { id: number }).id;

    function register<Q, B, V>(r: Resource<Q, B, V>): void {
      const one = `${r.path}/:id`;
      const app = plain;
      app.get(
        r.path,
        {
          config: { ...signedIn, readCache: true },
          schema: { tags, security, summary: `List ${r.label}s`, querystring: r.listQuery, response: { 200: pageOf(r.item), ...errors } },
        },
        (request) => run(request, (tx) => r.list(tx, request.query as Q)),
      );
      const create = r.create;
      if (create) {
        app.post(
          r.path,
          { config: admin, schema: { tags, security, summary: `Create a ${r.label}`, body: r.body, response: { 201: r.item, ...errors } } },
          async (request, reply) => reply.status(201).send(await run(request, (tx, actor) => create(tx, actor, request.body as B))),
        );
      }
      app.get(
        one,
        { config: { ...signedIn, readCache: true }, schema: { tags, security, summary: `One ${r.label}`, params: idParams, response: { 200: r.item, ...errors } } },
        (request) => run(request, (tx) => r.get(tx, idOf(request))),
      );
      app.patch(
        one,
        { config: admin, schema: { tags, security, summary: `Change a ${r.label}`, params: idParams, body: r.patch, response: { 200: r.item, ...errors } } },
        (request) => run(request, (tx, actor) => r.update(tx, actor, idOf(request), request.body as Partial<B>)),
      );
      app.delete(
        one,
        { config: admin, schema: { tags, security, summary: `Delete a ${r.label}`, params: idParams, response: { 204: noContent, ...errors } } },
        async (request, reply) => {
          await run(request, (tx, actor) => r.remove(tx, actor, idOf(request)));
          return reply.status(204).send(null);
        },
      );
    }

    register({
      path: '/api/v1/academic-years',
      label: 'academic year',
      item: s.academicYear,
      listQuery: s.yearListQuery,
      body: s.yearBody,
      patch: s.yearPatch,
      list: listYears,
      get: getYear,
      create: createYear,
      update: updateYear,
      remove: deleteYear,
    });
    register({
      path: '/api/v1/semesters',
      label: 'semester',
      item: s.semester,
      listQuery: s.semesterListQuery,
      body: s.semesterBody,
      patch: s.semesterPatch,
      list: listSemesters,
      get: getSemester,
      create: createSemester,
      update: updateSemester,
      remove: deleteSemester,
    });
    register({
      path: '/api/v1/closures',
      label: 'closure',
      item: s.closure,
      listQuery: s.closureListQuery,
      body: s.closureBody,
      patch: s.closurePatch,
      list: listClosures,
      get: getClosure,
      update: updateClosure,
      remove: deleteClosure,
    });
  };
