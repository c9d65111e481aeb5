import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

/**
 * With no provider configured, messages are not pretended sent: they stay in the outbox marked `held`, and the
 * staff pages say that nothing left this machine.
 */
export function sandboxChannel(kind: 'sms' | 'email'): Channel {
  return {
    provider: 'sandbox',
    sender: `sandbox-${kind}`,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      return { kind: 'accepted', providerId: `sandbox-${message.id}`, status: 'held' };
    },
    async close() {},
  };
}
