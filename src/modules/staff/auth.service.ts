import { hash } from 'node:crypto';
import { actingAs, type Deps, type ServiceContext } from '../../lib/context.js';
import { TooManyRequests, Unauthenticated } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { newOpaqueToken } from '../../lib/crypto.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { StaffActor } from './permissions.js';
import { sessionCacheOf } from './session-cache.js';
import * as repo from './staff.repository.js';
import type { LoginBody } from './staff.schemas.js';
import { toStaffUser } from './staff.service.js';

export const SESSION_POLICY = {
  absoluteTtlMs: 12 * 60 * 60 * 1000,
  idleTimeoutMs: 30 * 60 * 1000,
  /** Writing last_seen on every request would serialise reads behind the writer; once a minute is enough. */
  touchEveryMs: 60 * 1000,
  /** How long a session read from the database serves later requests (session-cache.ts); changes made here end it at once. */
  cacheMs: 1000,
  failuresBeforeLock: 5,
  lockMs: 15 * 60 * 1000,
  failuresPerIpWindowMs: 15 * 60 * 1000,
  failuresPerIp: 20,
};

// A real hash to verify against when the username is unknown, so the reply takes as long as for a real user.
let decoyHash: Promise<string> | undefined;

export function tokenHash(token: string): string {
  return hash('sha256', token, 'hex');
}

export async function login(ctx: ServiceContext, body: LoginBody): Promise<{ token: string; expiresAt: string; user: ReturnType<typeof toStaffUser> }> {
  const now = ctx.now;
  const nowIso = now.toISOString();
  const since = new Date(now.getTime() - SESSION_POLICY.failuresPerIpWindowMs).toISOString();
  const user = inTransaction(ctx, (tx) => {
    if (ctx.ip && repo.countLoginFailuresFromIp(tx, ctx.ip, since) >= SESSION_POLICY.failuresPerIp) {
      throw new TooManyRequests('auth.throttled', 'Too many failed sign-ins from this address. Wait 15 minutes and try again.', 900);
    }
    return repo.findStaffByUsername(tx, body.username);
  });

  const passwordOk = user
    ? await verifyPassword(user.passwordHash, body.password)
    : await verifyPassword(await (decoyHash ??= hashPassword(newOpaqueToken())), body.password).then(() => false);

  // A refusal is thrown only after the transaction commits: thrown inside, it would roll back the failure count.
  const session = inTransaction(ctx, (tx) => {
    const rejected = (): null => {
      repo.recordLoginFailure(tx, body.username, ctx.ip, nowIso);
      return null;
    };
    if (!user || !user.active) return rejected();
    const fresh = repo.findStaffById(tx, user.id)!;
    if (fresh.lockedUntil && fresh.lockedUntil > nowIso) return rejected();
    if (!passwordOk) {
      const failures = fresh.failedLogins + 1;
      const lock = failures >= SESSION_POLICY.failuresBeforeLock ? new Date(now.getTime() + SESSION_POLICY.lockMs).toISOString() : null;
      repo.setLoginState(tx, user.id, lock ? 0 : failures, lock);
      const actorCtx = actingAs(ctx, actorOf(fresh));
      audit(tx, actorCtx, { action: lock ? 'staff.locked' : 'staff.login_failed', entityType: 'staff', entityId: user.id });
      return rejected();
    }
    repo.setLoginState(tx, user.id, 0, null);
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + SESSION_POLICY.absoluteTtlMs).toISOString();
    const sessionId = newId();
    repo.insertSession(tx, { id: sessionId, tokenHash: tokenHash(token), staffId: user.id, createdAt: nowIso, expiresAt, lastSeenAt: nowIso, ip: ctx.ip });
    audit(tx, actingAs(ctx, actorOf(fresh, sessionId)), { action: 'staff.login', entityType: 'staff', entityId: user.id });
    return { token, expiresAt, user: toStaffUser(fresh) };
  });
  if (!session) throw new Unauthenticated('auth.invalid_credentials', 'The username or password is not right, or the account is locked or disabled.');
  return session;
}

export async function logout(ctx: ServiceContext): Promise<void> {
  const actor = ctx.actor;
  if (actor.kind !== 'staff' || !actor.sessionId) throw new Unauthenticated('auth.required', 'You are not signed in.');
  const sessionId = actor.sessionId;
  inTransaction(ctx, (tx) => {
    repo.revokeSession(tx, sessionId, ctx.now.toISOString());
    audit(tx, ctx, { action: 'staff.logout', entityType: 'staff', entityId: actor.id });
  });
}

/** The staff actor behind a session token, or null when the token is unknown, revoked, expired or idle too long. */
export function resolveSession(deps: Deps, token: string, now: Date): StaffActor | null {
  const nowMs = now.getTime();
  const hash = tokenHash(token);
  const cache = sessionCacheOf(deps.db, SESSION_POLICY.cacheMs);
  let session = cache.get(hash, nowMs);
  if (!session) {
    session = repo.findLiveSessionByTokenHash(deps.db, hash);
    if (!session || !session.active) return null;
    cache.set(hash, session, nowMs);
  }
  const lastSeenMs = Date.parse(session.lastSeenAt);
  if (Date.parse(session.expiresAt) <= nowMs || lastSeenMs + SESSION_POLICY.idleTimeoutMs <= nowMs) {
    repo.revokeSession(deps.db, session.sessionId, now.toISOString());
    return null;
  }
  if (nowMs - lastSeenMs >= SESSION_POLICY.touchEveryMs) repo.touchSession(deps.db, session.sessionId, now.toISOString());
  return { kind: 'staff', id: session.staffId, role: session.role, departmentId: session.departmentId, username: session.username, sessionId: session.sessionId };
}

export function actorOf(row: repo.StaffRow, sessionId?: string): StaffActor {
  return { kind: 'staff', id: row.id, role: row.role, departmentId: row.departmentId, username: row.username, ...(sessionId ? { sessionId } : {}) };
}
