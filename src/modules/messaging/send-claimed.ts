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
 * of sending it twice. Identical texts to one number are possible (two reminders alike): an id `isOwned` names, or
 * one already adopted in this batch, is someone else's message. A channel that throws is treated as down: transient.
 */
export async function sendClaimed(items: ClaimedSend[], concurrency: number, isOwned: (providerId: string) => boolean): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = new Array(items.length);
  const adopted = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const { channel, message, leftoverSince } = items[i]!;
      try {
        const candidates = leftoverSince && channel.findAccepted ? await channel.findAccepted(message, leftoverSince) : [];
        const earlier = candidates.find((sid) => !adopted.has(sid) && !isOwned(sid));
        if (earlier) adopted.add(earlier);
        outcomes[i] = earlier ? { kind: 'accepted', providerId: earlier, status: 'sent' } : await channel.send(message);
      } catch (error) {
        outcomes[i] = { kind: 'transient', code: 'channel_error', reason: String((error as Error)?.message ?? error).slice(0, 300) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), items.length) }, worker));
  return outcomes;
}
