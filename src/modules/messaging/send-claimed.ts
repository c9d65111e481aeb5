import type { Channel, OutgoingMessage, SendOutcome } from './channels/channel.js';

export interface ClaimedSend {
  channel: Channel;
  message: OutgoingMessage;
  /** A row a dead run left in `sending`: when that run claimed it (a minute earlier, for clocks apart); else null. */
  leftoverSince: Date | null;
}

/**
 * Sends claimed messages, at most `concurrency` in flight. A leftover of a dead run may already be with the
 * provider, so it is first looked up there (findAccepted) and the first provider id nobody owns is adopted instead
 * of sending it twice.
 *
 * Identical texts to one number are possible (two reminders alike), and the provider cannot tell them apart. So an
 * id `isOwned` names, or one already adopted in this batch, is someone else's message; and every leftover is looked
 * up before this batch sends anything, since a twin sent a moment earlier would otherwise look like the dead run's
 * and be adopted in place of sending: one text where the patient was owed two. Adoption follows the batch's order,
 * the order the dead run sent in. A channel that throws is treated as down: transient.
 */
export async function sendClaimed(items: ClaimedSend[], concurrency: number, isOwned: (providerId: string) => boolean): Promise<SendOutcome[]> {
  const outcomes: (SendOutcome | undefined)[] = new Array(items.length);
  const found = await inParallel(items, concurrency, async ({ channel, message, leftoverSince }, i) => {
    try {
      return leftoverSince && channel.findAccepted ? await channel.findAccepted(message, leftoverSince) : [];
    } catch (error) {
      outcomes[i] = transient(error);
      return [];
    }
  });
  const adopted = new Set<string>();
  for (const [i, candidates] of found.entries()) {
    const earlier = candidates.find((sid) => !adopted.has(sid) && !isOwned(sid));
    if (!earlier) continue;
    adopted.add(earlier);
    outcomes[i] = { kind: 'accepted', providerId: earlier, status: 'sent' };
  }
  return inParallel(items, concurrency, async ({ channel, message }, i) => {
    try {
      return outcomes[i] ?? (await channel.send(message));
    } catch (error) {
      return transient(error);
    }
  });
}

async function inParallel<T, R>(items: T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return results;
}

function transient(error: unknown): SendOutcome {
  return { kind: 'transient', code: 'channel_error', reason: String((error as Error)?.message ?? error).slice(0, 300) };
}
