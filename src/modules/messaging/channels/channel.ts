/** What the dispatcher hands a channel: one rendered, addressed message. */
export interface OutgoingMessage {
  /** The outbox id: also the idempotency token (Twilio) and the Message-ID (SMTP), so a retry is recognisable. */
  id: string;
  to: string;
  body: string;
  subjectLine: string | null;
  category: 'care' | 'marketing';
  locale: 'zh-CN' | 'en';
  /** Marketing e-mail only: the one-click unsubscribe address (List-Unsubscribe). */
  unsubscribeUrl: string | null;
}

export type SendOutcome =
  /** `held`: the sandbox kept it; nothing left this machine. */
  | { kind: 'accepted'; providerId: string; status: 'sent' | 'held' }
  /** Worth retrying later (provider down, 429, 5xx); the message stays queued. */
  | { kind: 'transient'; code: string; reason: string; retryAfterMs?: number }
  /** Will never work as addressed (invalid number, unsubscribed recipient, no such mailbox). */
  | { kind: 'permanent'; code: string; reason: string };

/** A way out: Twilio for SMS, SMTP for e-mail, or the sandbox when neither is configured. */
export interface Channel {
  readonly provider: 'twilio' | 'smtp' | 'sandbox';
  /** The sender whose rate is limited: a phone number, a messaging service, a mail relay. */
  readonly sender: string;
  send(message: OutgoingMessage): Promise<SendOutcome>;
  /**
   * For a message a dead dispatcher left in `sending`: the provider's ids of messages with the same recipient and
   * text since `since`, oldest first; the dispatcher adopts the first that no other outbox row owns. Channels that
   * cannot tell leave this out.
   */
  findAccepted?(message: OutgoingMessage, since: Date): Promise<string[]>;
  close(): Promise<void>;
}

export interface Channels {
  sms: Channel;
  email: Channel;
}
