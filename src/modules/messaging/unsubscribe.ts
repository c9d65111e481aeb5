import { timingSafeEqual } from 'node:crypto';
import type { Deps, ServiceContext } from '../../lib/context.js';
import { inTransaction } from '../../lib/transaction.js';
import { recordPatientConsent } from '../patients/patients.service.js';
import * as repo from './messaging.repository.js';

/** `<message id>.<keyed hash>`: the link names the message it came in and cannot be forged for another. */
function tokenFor(deps: Pick<Deps, 'cipher'>, messageId: string): string {
  return `${messageId}.${deps.cipher.lookupHash(`unsubscribe:${messageId}`).slice(0, 32)}`;
}

export function unsubscribeUrl(deps: Pick<Deps, 'cipher' | 'messaging'>, messageId: string): string {
  return `${deps.messaging.settings.publicUrl}/unsubscribe/${tokenFor(deps, messageId)}`;
}

/** The message behind a token, or null when the token is not one we issued. */
export function messageOfToken(deps: Deps, token: string): { id: string; locale: 'zh-CN' | 'en'; patientId: string } | null {
  const id = token.split('.')[0] ?? '';
  const expected = Buffer.from(tokenFor(deps, id));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const row = repo.findMessage(deps.db, id);
  return row ? { id: row.id, locale: row.locale, patientId: row.patientId } : null;
}

/**
 * The confirming POST of the unsubscribe page (or a mail provider's RFC 8058 one-click POST): e-mail marketing
 * consent withdrawn through the patients module, queued marketing e-mails cancelled. A GET never gets here.
 */
export async function unsubscribeByToken(ctx: ServiceContext, token: string): Promise<{ locale: 'zh-CN' | 'en' } | null> {
  const message = messageOfToken(ctx, token);
  if (!message) return null;
  inTransaction(ctx, (tx) => {
    recordPatientConsent(tx, ctx, message.patientId, [{ channel: 'email', purpose: 'marketing', granted: false }], { method: 'email_link', detail: `unsubscribe link in message ${message.id}` });
    repo.cancelQueued(tx, { patientId: message.patientId, channel: 'email', category: 'marketing' }, 'unsubscribed by e-mail link', ctx.now.toISOString());
  });
  return { locale: message.locale };
}
