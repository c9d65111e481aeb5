import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
}

/**
 * A loopback HTTP server that speaks the part of Twilio's REST API HCRM uses: POST
 * /2010-04-01/Accounts/{Sid}/Messages.json with HTTP basic auth (account SID and auth token, or an API key and
 * secret), form-encoded parameters, and Twilio's JSON answers, errors included (21211 invalid number, 21610
 * unsubscribed recipient, 20429/429 too many requests, 20003 authentication). A request repeating an
 * `Idempotency-Key` gets the first answer back instead of a second message, as the gateway in front of Twilio does.
 */
export class FakeTwilio {
  readonly messages: ReceivedSms[] = [];
  /** Every POST that reached the server, repeats included. */
  requests = 0;
  repeats = 0;
  invalidNumbers = new Set<string>();
  unsubscribed = new Set<string>();
  /** The next N sends answer 429. */
  tooManyRequests = 0;
  /** While true every send answers 503, as an outage does. */
  down = false;
  /** Called with each new message before it is answered (the benchmark kills a dispatcher from here). */
  onMessage: ((sms: ReceivedSms) => void) | null = null;
  /** False: repeats of an `Idempotency-Key` are sent again, as api.twilio.com itself is not documented to honour it. */
  honoursIdempotencyKeys = true;
  /** Milliseconds each new message takes to be accepted (a slow provider, so a crash lands mid-batch). */
  delayMs = 0;
  #byKey = new Map<string, object>();
  #server: Server;
  #serial = 0;
  url = '';

  constructor(
    readonly accountSid: string,
    private readonly credentials: { username: string; password: string },
  ) {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: number, message: string) => answer(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

    const path = `/2010-04-01/Accounts/${this.accountSid}/Messages.json`;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== path || (req.method !== 'POST' && req.method !== 'GET')) return error(404, 20404, 'The requested resource was not found');
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (auth !== expected) return error(401, 20003, 'Authenticate');
    if (req.method === 'GET') {
      // Message list, newest first, filtered by To, as Twilio pages it.
      const to = url.searchParams.get('To');
      const listed = this.messages.filter((m) => !to || m.to === to).reverse().slice(0, Number(url.searchParams.get('PageSize') ?? 50));
      const asResource = (m: ReceivedSms) => ({ sid: m.sid, account_sid: this.accountSid, to: m.to, from: m.from, body: m.body, status: 'sent', date_created: m.createdAt.toUTCString() });
      return answer(200, { messages: listed.map(asResource), page: 0, page_size: listed.length, start: 0, end: listed.length, uri: url.pathname, first_page_uri: url.pathname, next_page_uri: null, previous_page_uri: null });
    }
    this.requests++;
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    if (key && this.honoursIdempotencyKeys && this.#byKey.has(key)) {
      this.repeats++;
      return answer(201, this.#byKey.get(key)!);
    }
    if (this.down) return error(503, 20500, 'Service Unavailable');
    if (this.tooManyRequests > 0) {
      this.tooManyRequests--;
      return error(429, 20429, 'Too Many Requests');
    }
    const to = params.get('To') ?? '';
    if (this.invalidNumbers.has(to)) return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (this.unsubscribed.has(to)) return error(400, 21610, 'Attempt to send to unsubscribed recipient');

    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const sid = `SM${String(++this.#serial).padStart(32, '0')}`;
    const sms: ReceivedSms = {
      sid,
      to,
      from: params.get('From'),
      messagingServiceSid: params.get('MessagingServiceSid'),
      body: params.get('Body') ?? '',
      statusCallback: params.get('StatusCallback'),
      idempotencyKey: key,
      createdAt: new Date(),
    };
    this.messages.push(sms);
    this.onMessage?.(sms);
    const reply = { sid, account_sid: this.accountSid, to, from: sms.from, body: sms.body, status: 'queued', num_segments: '1', date_created: new Date().toUTCString(), uri: `${path.slice(0, -5)}/${sid}.json` };
    if (key) this.#byKey.set(key, reply);
    return answer(201, reply);
  }
}
