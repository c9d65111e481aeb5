import type { ServiceContext } from '../../../lib/context.js';
import { TooManyRequests } from '../../../lib/errors.js';
import { inReadSnapshot, inTransaction } from '../../../lib/transaction.js';
import * as repo from './invitations.repository.js';

const WINDOW_MS = 15 * 60_000;

/**
 * Guessing a 256-bit token is hopeless, but a client that tries many wrong ones is still told to stop: after
 * HCRM_QUESTIONNAIRE_WRONG_TOKEN_LIMIT wrong tokens from one address in 15 minutes, every /q/ request from it
 * answers 429 until the window passes, right tokens included (the guesser must not learn which one was right).
 * Failures live in the database, so every instance shares the count.
 */
export async function assertNotGuessing(ctx: ServiceContext): Promise<void> {
  if (!ctx.ip) return;
  const since = new Date(ctx.now.getTime() - WINDOW_MS).toISOString();
  const failures = inReadSnapshot(ctx, (tx) => repo.linkFailuresSince(tx, ctx.ip!, since));
  if (failures >= ctx.followup.wrongTokenLimit) {
    throw new TooManyRequests('questionnaires.too_many_wrong_links', 'Too many wrong questionnaire links from this address. Wait 15 minutes and try again.', WINDOW_MS / 1000);
  }
}

export async function recordWrongToken(ctx: ServiceContext): Promise<void> {
  if (!ctx.ip) return;
  inTransaction(ctx, (tx) => repo.recordLinkFailure(tx, ctx.ip!, ctx.now.toISOString()));
}
