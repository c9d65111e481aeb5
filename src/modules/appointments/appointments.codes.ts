import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { assertNoFieldErrors } from '../../lib/errors.js';
import { newOpaqueToken } from '../../lib/crypto.js';
import { newId } from '../../lib/ids.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { enqueueMessage } from '../messaging/messaging.service.js';
import { parsePhone } from '../patients/phone.js';
import { patientIdsWithPhone } from '../patients/patients.service.js';
import { codeExpired, codeLocked, codeRateLimited, codeWrong, visitEnded } from './appointments.errors.js';
import * as repo from './appointments.repository.js';

/** How the booking page's SMS codes behave: short-lived, a few tries, a few sends per phone per hour. */
export const CODE_RULES = { minutes: 5, maxAttempts: 5, perHour: 5, resendSeconds: 60, visitMinutes: 30 } as const;

const phoneKey = (ctx: ServiceContext, e164: string) => ctx.cipher.lookupHash(`booking-phone:${e164}`);
const codeKey = (ctx: ServiceContext, codeId: string, code: string) => ctx.cipher.lookupHash(`booking-code:${codeId}:${code}`);
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export function mobileOf(input: string): string {
  const parsed = parsePhone(input);
  const problem = !parsed.ok ? parsed.message : parsed.kind !== 'mobile' ? 'must be a mobile number that can receive SMS' : null;
  assertNoFieldErrors('appointments.invalid_phone', problem ? [{ field: 'phone', code: 'invalid_phone', message: problem }] : []);
  return (parsed as { e164: string }).e164;
}

/**
 * Sends a one-time code to the mobile number of a patient on file, through the outbox (urgent: a code is useless
 * after quiet hours). The answer is the same whether or not the number is on file, so the page reveals nobody.
 * Only a keyed hash of the phone and of the code is stored.
 */
export async function requestCode(ctx: ServiceContext, phoneInput: string): Promise<{ expiresAt: string }> {
  const phone = mobileOf(phoneInput);
  const hash = phoneKey(ctx, phone);
  return inTransaction(ctx, (tx) => {
    const last = repo.latestCode(tx, hash);
    const sinceLast = last ? (ctx.now.getTime() - Date.parse(last.createdAt)) / 1000 : Infinity;
    if (sinceLast < CODE_RULES.resendSeconds) throw codeRateLimited(Math.ceil(CODE_RULES.resendSeconds - sinceLast));
    if (repo.codesSentSince(tx, hash, new Date(ctx.now.getTime() - 3600_000).toISOString()) >= CODE_RULES.perHour) throw codeRateLimited(3600);
    const id = newId();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(ctx.now.getTime() + CODE_RULES.minutes * 60_000).toISOString();
    repo.insertCode(tx, { id, phoneHash: hash, codeHash: codeKey(ctx, id, code), createdAt: ctx.now.toISOString(), expiresAt });
    const [patientId] = patientIdsWithPhone(tx, phone);
    if (patientId) {
      enqueueMessage(tx, ctx, {
        purpose: 'appointment-code',
        category: 'care',
        channel: 'sms',
        urgent: true,
        patientId,
        template: 'appointment.code',
        variables: { code, minutes: String(CODE_RULES.minutes) },
        scheduledAt: ctx.now,
        dedupeKey: `appointment-code:${id}`,
      });
    }
    return { expiresAt };
  });
}

/** Checks the code; each wrong try is counted (committed even though the request fails), and the fifth locks it. */
export async function verifyCode(ctx: ServiceContext, phoneInput: string, code: string): Promise<{ token: string; expiresAt: string }> {
  const phone = mobileOf(phoneInput);
  const hash = phoneKey(ctx, phone);
  const outcome = inTransaction(ctx, (tx) => {
    const row = repo.latestCode(tx, hash);
    if (!row || row.usedAt || row.expiresAt <= ctx.now.toISOString()) return { error: codeExpired() };
    if (row.attempts >= CODE_RULES.maxAttempts) return { error: codeLocked() };
    const expected = Buffer.from(row.codeHash, 'hex');
    const given = Buffer.from(codeKey(ctx, row.id, code.trim()), 'hex');
    if (!timingSafeEqual(expected, given)) {
      repo.countCodeAttempt(tx, row.id);
      const left = CODE_RULES.maxAttempts - row.attempts - 1;
      return { error: left > 0 ? codeWrong(left) : codeLocked() };
    }
    repo.useCode(tx, row.id, ctx.now.toISOString());
    const token = newOpaqueToken();
    const expiresAt = new Date(ctx.now.getTime() + CODE_RULES.visitMinutes * 60_000).toISOString();
    repo.purgeOldVisits(tx, ctx.now.toISOString());
    repo.insertVisit(tx, { tokenHash: tokenHash(token), phoneHash: hash, phone, createdAt: ctx.now.toISOString(), expiresAt });
    return { token, expiresAt };
  });
  if ('error' in outcome) throw outcome.error;
  return outcome;
}

/** The patients a signed-in visitor may act for: every active file with the phone they proved. */
export function visitorPatients(tx: Tx, ctx: ServiceContext, token: string | undefined): { phone: string; patientIds: string[] } {
  const visit = token ? repo.findVisit(tx, tokenHash(token), ctx.now.toISOString()) : undefined;
  if (!visit) throw visitEnded();
  return { phone: visit.phone, patientIds: patientIdsWithPhone(tx, visit.phone) };
}

export function auditVisitor(tx: Tx, ctx: ServiceContext, action: string, patientId: string, entityId?: string): void {
  audit(tx, ctx, { action, entityType: 'appointment', entityId: entityId ?? null, patientId, reason: 'patient on the booking page after an SMS code' });
}
