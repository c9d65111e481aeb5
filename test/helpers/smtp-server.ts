import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  /** Over STARTTLS. */
  secure: boolean;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package): STARTTLS with its built-in certificate, login
 * hcrm/secret, and recipients in `rejected` refused with 550 as a mailbox that does not exist is.
 */
export class FakeSmtp {
  readonly mails: ReceivedMail[] = [];
  /** Deliveries per Message-ID, kept even when `keep` is off (the benchmark sends 100,000). */
  readonly byMessageId = new Map<string, number>();
  readonly rejected = new Set<string>();
  #server: SMTPServer;
  port = 0;

  constructor(private readonly options: { keep?: boolean } = {}) {
    this.#server = new SMTPServer({
      authOptional: true,
      logger: false,
      onAuth: (auth, _session, callback) =>
        auth.username === 'hcrm' && auth.password === 'secret' ? callback(null, { user: 'hcrm' }) : callback(new Error('Invalid username or password')),
      onRcptTo: (address, _session, callback) => {
        if (this.rejected.has(address.address)) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const messageId = /^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '';
          this.byMessageId.set(messageId, (this.byMessageId.get(messageId) ?? 0) + 1);
          if (this.options.keep === false) return callback();
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            headers: parseHeaders(raw),
            secure: session.secure,
          });
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.server.address() as AddressInfo).port;
    return this;
  }

  /** The URL HCRM is configured with: STARTTLS required, the test certificate accepted. */
  get url(): string {
    return `smtp://hcrm:secret@127.0.0.1:${this.port}?requireTLS=true&tls.rejectUnauthorized=false`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

function parseHeaders(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=) back to text. */
export function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_whole, kind: string, text: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replaceAll('_', ' ')),
  );
}

/** The text body of a single-part message, decoded from its transfer encoding. */
export function textBody(mail: ReceivedMail): string {
  const body = mail.raw.split(/\r?\n\r?\n/).slice(1).join('\n\n');
  const encoding = mail.headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.replace(/=\r?\n/g, ''));
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
