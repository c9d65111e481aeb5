import { createServer, type Server, type Socket } from 'node:net';
import type { Deps, ServiceContext } from '../../../lib/context.js';
import { newId } from '../../../lib/ids.js';
import { buildAck } from '../adapters/hl7/ack.js';
import { adaptHl7Message } from '../adapters/hl7/index.js';
import { applyBatch, finishRun, startRun, type ImportRun } from '../imports.service.js';
import { frame, FrameReader } from './framing.js';

/**
 * The MLLP listener for HIS interface engines. Messages on one connection are applied one at a time, in order,
 * and each is acknowledged only after its transaction committed: AA applied (or already applied, or sent to
 * review), AE could not be applied (quarantined, with an ERR segment saying why), AR refused as not a message we
 * read (also quarantined). Each connection is one import run, stored when it closes.
 */
export interface MllpOptions {
  port: number;
  host: string;
  maxFrameBytes?: number;
  log: { info(msg: string): void; warn(msg: string): void; error(obj: unknown, msg: string): void };
}

export interface MllpServer {
  port: number;
  close(): Promise<void>;
}

/** Codes for messages refused unread (AR); every other failure is an application error (AE). */
const REFUSED = new Set(['hl7.no_msh', 'hl7.bad_delimiters', 'hl7.bad_segment', 'hl7.unknown_charset', 'hl7.unsupported_version', 'hl7.unsupported_event']);

export async function startMllpServer(deps: Deps, options: MllpOptions): Promise<MllpServer> {
  const sockets = new Set<Socket>();
  const finishing = new Set<Promise<void>>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connection = new Connection(deps, socket, options);
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      const done = connection.closed();
      finishing.add(done);
      void done.then(() => finishing.delete(done));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
      // Each connection's run report is stored before the caller closes the database.
      await Promise.all(finishing);
    },
  };
}

class Connection {
  readonly #reader: FrameReader;
  readonly #runs = new Map<string, ImportRun>();
  #queue: Promise<void> = Promise.resolve();
  #count = 0;

  constructor(
    private readonly deps: Deps,
    private readonly socket: Socket,
    private readonly options: MllpOptions,
  ) {
    this.#reader = new FrameReader(options.maxFrameBytes ?? 16 * 1024 * 1024);
  }

  receive(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'frame') {
        const payload = event.payload;
        this.#queue = this.#queue.then(() => this.#handle(payload));
      } else if (event.kind === 'junk') {
        this.options.log.warn(`MLLP: ${event.bytes} bytes outside a frame from ${this.socket.remoteAddress ?? '?'} ignored`);
      } else {
        this.options.log.warn('MLLP: a frame larger than the limit; closing the connection');
        this.socket.destroy();
      }
    }
  }

  closed(): Promise<void> {
    if (this.#reader.pending) this.options.log.warn('MLLP: the client disconnected in the middle of a frame; the partial message was dropped');
    return this.#queue.then(() => {
      try {
        for (const run of this.#runs.values()) finishRun(this.#context(), run);
      } catch (error) {
        this.options.log.error({ err: error }, 'MLLP: the run report could not be stored');
      }
    });
  }

  #context(): ServiceContext {
    return { ...this.deps, actor: { kind: 'import', id: 'mllp' }, now: this.deps.clock.now(), requestId: newId(), ip: this.socket.remoteAddress ?? null };
  }

  async #handle(payload: Buffer): Promise<void> {
    const ctx = this.#context();
    const head = headerOf(payload);
    const source = head.sendingApp.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 50) || 'mllp';
    let ack: string;
    try {
      let run = this.#runs.get(source);
      if (!run) this.#runs.set(source, (run = startRun(ctx, 'hl7', source, 'mllp')));
      const mapped = adaptHl7Message(payload, { source, timeZone: ctx.timeZone }, `message ${++this.#count}`);
      const [result] = applyBatch(ctx, run, [mapped]);
      const problem = result?.problem;
      const code = !problem || result.outcome === 'review' ? 'AA' : REFUSED.has(problem.code) ? 'AR' : 'AE';
      ack = buildAck({ ...head, code, now: ctx.now, ...(code !== 'AA' && problem ? { error: { code: problem.code, text: problem.reason } } : {}) });
    } catch (error) {
      // Not applied and not quarantined (the database refused): AE, so the sender tries again.
      this.options.log.error({ err: error }, 'MLLP: message could not be applied');
      ack = buildAck({ ...head, code: 'AE', now: ctx.now, error: { code: 'internal', text: 'The message could not be stored; send it again.' } });
    }
    if (!this.socket.destroyed) this.socket.write(frame(ack));
  }
}

/** MSH-3, MSH-10 and MSH-12 read from the raw bytes, so even a message we refuse is answered with its control id. */
function headerOf(payload: Buffer): { controlId: string; version: string; sendingApp: string; receivingApp: string } {
  const latin = payload.toString('latin1');
  const msh = latin.startsWith('MSH') ? latin.split(/[\r\n]/, 1)[0]! : '';
  const fields = msh.length > 3 ? msh.split(msh[3]!) : [];
  const component = msh[4] ?? '^';
  const first = (i: number) => (fields[i] ?? '').split(component)[0]!.trim();
  return { sendingApp: first(2), receivingApp: first(4), controlId: first(9), version: first(11) };
}
