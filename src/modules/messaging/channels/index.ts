import type { Config } from '../../../config.js';
import type { Channels } from './channel.js';
import { sandboxChannel } from './sandbox.channel.js';
import { smtpChannel } from './smtp.channel.js';
import { twilioChannel } from './twilio.channel.js';

export type { Channel, Channels, OutgoingMessage, SendOutcome } from './channel.js';
export { sandboxChannel } from './sandbox.channel.js';
export { smtpChannel } from './smtp.channel.js';
export { twilioChannel } from './twilio.channel.js';

/** The channels the configuration asks for; the sandbox for each one it leaves out. */
export function channelsFromConfig(config: Pick<Config, 'twilio' | 'smtpUrl' | 'smtpFrom' | 'publicUrl'>): Channels {
  return {
    sms: config.twilio ? twilioChannel(config.twilio, config.publicUrl) : sandboxChannel('sms'),
    email: config.smtpUrl ? smtpChannel(config.smtpUrl, config.smtpFrom) : sandboxChannel('email'),
  };
}

export async function closeChannels(channels: Channels): Promise<void> {
  await Promise.all([channels.sms.close(), channels.email.close()]);
}

/** createDeps' messaging options from the configuration. */
export function messagingFromConfig(config: Config): { settings: Config['messaging']; channels: Channels; twilioAuthToken: string | null } {
  return { settings: config.messaging, channels: channelsFromConfig(config), twilioAuthToken: config.twilio?.authToken ?? null };
}
