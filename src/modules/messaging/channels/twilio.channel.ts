import { AsyncLocalStorage } from 'node:async_hooks';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import type { TwilioConfig } from '../../../config.js';
import type { Channel, OutgoingMessage, SendOutcome } from './channel.js';

/** Twilio's answers that no retry will change: invalid or unreachable number, unsubscribed recipient, not a mobile. */
const PERMANENT_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614, 21217, 30003, 30004, 30005, 30006]);
const TWILIO_API = 'https://api.twilio.com';

const idempotencyToken = new AsyncLocalStorage<string>();

/**
 * The library's own HTTP client, pointed at TWILIO_API_BASE_URL (a proxy or a test server) when set, and adding the
 * message's idempotency token to the request. Why a token: the outbox records `sending` before the call and the
 * outcome after it; a crash in between leaves a row that will be sent again with the same token, and a gateway that
 * honours `Idempotency-Key` (our proxy, the test server) answers with the first message instead of sending twice.
 * Twilio's public API does not document such a key, so before a leftover row is sent again the dispatcher also asks
 * Twilio for a message with the same recipient and text since the claim (findAccepted) and records that one instead.
 */
class HcrmRequestClient extends RequestClient {
  constructor(private readonly baseUrl: string | undefined) {
    super({ keepAlive: true, timeout: 15_000 });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.baseUrl && opts.uri.startsWith(TWILIO_API) ? this.baseUrl.replace(/\/$/, '') + opts.uri.slice(TWILIO_API.length) : opts.uri;
    const token = idempotencyToken.getStore();
    const headers = token ? { ...opts.headers, 'Idempotency-Key': token } : opts.headers;
    return super.request({ ...opts, uri, headers });
  }
}

export function twilioChannel(config: TwilioConfig, publicUrl: string): Channel {
  const httpClient = new HcrmRequestClient(config.apiBaseUrl);
  // With an API key the key is the username and the account SID is named separately.
  const client = config.apiKey
    ? twilio(config.apiKey.sid, config.apiKey.secret, { accountSid: config.accountSid, httpClient, env: {} })
    : twilio(config.accountSid, config.authToken, { httpClient, env: {} });
  const sender = config.messagingServiceSid ?? config.from!;

  return {
    provider: 'twilio',
    sender,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      try {
        const created = await idempotencyToken.run(message.id, () =>
          client.messages.create({
            to: message.to,
            body: message.body,
            ...(config.messagingServiceSid ? { messagingServiceSid: config.messagingServiceSid } : { from: config.from! }),
            // Our id in the callback address finds the message even before its SID is recorded.
            statusCallback: `${publicUrl}/webhooks/twilio/status?m=${encodeURIComponent(message.id)}`,
          }),
        );
        return { kind: 'accepted', providerId: created.sid, status: 'sent' };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    // Twilio keeps no id of ours on a message, so a message is recognised by recipient, exact text and time.
    async findAccepted(message: OutgoingMessage, since: Date): Promise<string[]> {
      const recent = await client.messages.list({ to: message.to, limit: 50 });
      return recent
        .filter((m) => m.body === message.body && m.dateCreated >= since)
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
        .map((m) => m.sid);
    },
    async close() {},
  };
}

function outcomeOf(error: unknown): SendOutcome {
  const e = error as { status?: number; code?: number | string; message?: string; moreInfo?: string; headers?: Record<string, string> };
  const status = typeof e.status === 'number' ? e.status : 0;
  const code = e.code !== undefined ? String(e.code) : status ? `http-${status}` : 'network';
  const reason = (e.message ?? 'no answer from Twilio').slice(0, 300);
  if (typeof e.code === 'number' && PERMANENT_CODES.has(e.code)) return { kind: 'permanent', code, reason };
  if (status === 429) return { kind: 'transient', code, reason, retryAfterMs: 60_000 };
  // Bad credentials are the hospital's to fix; the messages wait for them instead of failing.
  if (status === 0 || status >= 500 || status === 401 || status === 403) return { kind: 'transient', code, reason };
  return { kind: 'permanent', code, reason };
}
