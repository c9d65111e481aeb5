import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { idempotencyKeys } from '../../db/schema/idempotency.js';
import type { Deps } from './context.js';
import { Conflict, Invalid, Unprocessable } from './errors.js';
import { inTransaction } from './transaction.js';

const KEPT_MS = 24 * 60 * 60 * 1000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Creating route that honours the Idempotency-Key header. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

/**
 * Idempotency-Key on creating endpoints: the first request with a key claims it, its reply is stored, and a retry
 * with the same key and body gets that reply again (marked `idempotent-replayed: true`). The same key with another
 * body is refused (422); a retry while the first is still running gets 409.
 */
export const idempotency = fp<{ deps: Deps }>(async (app: FastifyInstance, { deps }) => {
  // Hooked onto the creating routes only: every other request (every read) skips both hooks entirely.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    route.preHandler = [claimKey, ...hooksOf(route.preHandler)];
    route.onSend = [...hooksOf(route.onSend), keepReply];
  });

  const claimKey = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const key = request.headers['idempotency-key'];
    if (key === undefined) return;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{8,128}$/.test(key)) {
      throw new Invalid('request.bad_idempotency_key', 'Idempotency-Key must be 8 to 128 printable ASCII characters.', [
        { field: 'Idempotency-Key', code: 'invalid', message: 'must be 8 to 128 printable ASCII characters' },
      ]);
    }
    const actorId = request.actor?.id ?? 'anonymous';
    const path = request.routeOptions.url ?? request.url;
    const requestHash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const now = deps.clock.now();
    const stored = inTransaction(deps, (tx) => {
      tx.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - KEPT_MS).toISOString())).run();
      const existing = tx.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key))).get();
      if (!existing) {
        tx.insert(idempotencyKeys).values({ actorId, key, method: request.method, path, requestHash, createdAt: now.toISOString() }).run();
      }
      return existing;
    });
    if (!stored) {
      request.idempotencyKey = key;
      return;
    }
    if (stored.requestHash !== requestHash) {
      throw new Unprocessable('request.idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for a new request.');
    }
    if (stored.status === null) throw new Conflict('request.idempotency_in_progress', 'A request with this Idempotency-Key is still being processed; retry shortly.');
    return replay(reply, stored.status, stored.contentType, stored.body);
  };

  const keepReply = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const key = request.idempotencyKey;
    if (!key) return payload;
    const actorId = request.actor?.id ?? 'anonymous';
    inTransaction(deps, (tx) => {
      const where = and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key));
      // A failure on our side leaves the key free for a retry; a client error or a success is the answer to keep.
      if (reply.statusCode >= 500) tx.delete(idempotencyKeys).where(where).run();
      else tx.update(idempotencyKeys).set({ status: reply.statusCode, contentType: String(reply.getHeader('content-type') ?? ''), body: String(payload) }).where(where).run();
    });
    return payload;
  };
});

function hooksOf<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

function replay(reply: FastifyReply, status: number, contentType: string | null, body: string | null): FastifyReply {
  return reply.code(status).header('idempotent-replayed', 'true').type(contentType || 'application/json').serializer((p: unknown) => p as string).send(body ?? '');
}


