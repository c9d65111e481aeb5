import type { Db } from '../../../db/client.js';
import type { LiveSession } from './staff.repository.js';

/** At most this many live sessions are kept; past it the cache starts afresh (a hospital has far fewer staff). */
const CAPACITY = 10_000;

let generation = 0;

/**
 * Called by every write that can end or change a session or its staff member (revocation, touch, staff update),
 * inside or outside a transaction: every cached session is dropped before the write's own statement returns, so
 * the next request reads the database again. A write that rolls back costs only those misses.
 */
export function sessionsChanged(): void {
  generation++;
}

interface Entry {
  session: LiveSession;
  readAt: number;
}

/**
 * Live sessions by token hash, each kept for at most `maxAgeMs` of the clock: every signed-in request asked the
 * database for its session, the largest fixed cost of a request. Revocation, deactivation and role changes made
 * by this service are seen at once (sessionsChanged); expiry and the idle timeout are still checked against the
 * clock on every request by the caller. Only a change made by another process could be seen up to `maxAgeMs` late.
 * Unknown tokens are never kept, so guessing cannot fill it.
 */
export class SessionCache {
  private entries = new Map<string, Entry>();
  private generation = generation;

  constructor(private readonly maxAgeMs: number) {}

  get(tokenHash: string, nowMs: number): LiveSession | undefined {
    if (this.generation !== generation) this.clear();
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    // A clock moved back (tests) is as stale as one moved on.
    if (nowMs - entry.readAt >= this.maxAgeMs || nowMs < entry.readAt) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.session;
  }

  set(tokenHash: string, session: LiveSession, nowMs: number): void {
    if (this.generation !== generation) this.clear();
    if (this.entries.size >= CAPACITY) this.entries.clear();
    this.entries.set(tokenHash, { session, readAt: nowMs });
  }

  private clear(): void {
    this.entries.clear();
    this.generation = generation;
  }
}

const caches = new WeakMap<Db, SessionCache>();

export function sessionCacheOf(db: Db, maxAgeMs: number): SessionCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new SessionCache(maxAgeMs)));
  return cache;
}
