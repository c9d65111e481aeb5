import { createServer, type Server, type Socket } from 'node:net';
import { serviceContext, type Deps, type ServiceContext } from '../../../lib/context.js';
import { newId } from '../../../lib/ids.js';
import { buildAck } from '../adapters/hl7/ack.js';
import { adaptHl7Message } from '../adapters/hl7/index.js';
import type { Mapped } from '../canonical.js';
import { applyBatchIn, finishRun, inImportTransaction, startRun, type ImportRun } from '../imports.service.js';
import { frame, FrameReader } from './framing.js';

/**
 * The MLLP listener for HIS interface engines. A sender may stream frames without waiting for each ACK (MLLP
 * allows it): the frames that have arrived on a connection are applied in order as one group with one durable
 * commit, and each is acknowledged, in order, only after that commit: AA applied (or already applied, or sent to
 * review), AE could not be applied (quarantined, with an ERR segment saying why), AR refused as not a message we
 * read (also quarantined). Each connection is one import run, stored when it closes.
 *
 * Flow control: the socket stops reading while MAX_WAITING frames wait, and while the sender is not reading its
 * ACKs (a write the kernel could not take): either way the sender's own writes back up instead of our memory. A
 * frame past `maxFrameBytes` is answered AR (frame too large) in its turn, and the connection is then closed.
 */
export interface MllpOptions {
  port: number;
  host: string;
  maxFrameBytes?: number;
  /** Frames waiting to be applied past which the socket stops reading (default MAX_WAITING). */
  maxWaiting?: number;
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

/**
 * Frames that have arrived and wait for the next group; past this many the socket stops reading until they are
 * applied, so a sender streaming faster than we commit cannot grow memory without bound.
 */
const MAX_WAITING = 1024;
/** At most this many messages share one commit, so the first of them is not kept waiting for its ACK for long. */
const MAX_GROUP = 256;

/** How long a connection we closed after an oversized frame waits for the sender to hang up. */
const CLOSE_GRACE_MS = 30_000;

interface Arrived {
  head: ReturnType<typeof headerOf>;
  source: string;
  payload: Buffer;
  position: string;
  /** Refused before reading (a frame too large): answered AR with this reason, nothing applied. */
  refusal?: { code: string; text: string };
}

class Connection {
  readonly #reader: FrameReader;
  readonly #runs = new Map<string, ImportRun>();
  #waiting: Arrived[] = [];
  #scheduled = false;
  #drained: (() => void) | null = null;
  #count = 0;
  /** The last ACKs written are still in our buffer: the kernel's is full because the sender does not read. */
  #writeBlocked = false;
  /** An oversized frame was refused: nothing more is read, the connection closes once it is answered. */
  #refused = false;
  readonly #maxFrameBytes: number;

  constructor(
    private readonly deps: Deps,
    private readonly socket: Socket,
    private readonly options: MllpOptions,
  ) {
    this.#maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
    this.#reader = new FrameReader(this.#maxFrameBytes);
  }

  receive(chunk: Buffer): void {
    // After an oversized frame the rest of it (and anything after) is read and dropped until the sender hangs up.
    if (this.#refused) return;
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'frame') {
        this.#arrived(event.payload);
      } else if (event.kind === 'junk') {
        this.options.log.warn(`MLLP: ${event.bytes} bytes outside a frame from ${this.socket.remoteAddress ?? '?'} ignored`);
      } else {
        this.options.log.warn(`MLLP: a frame larger than ${this.#maxFrameBytes} bytes; answered AR and closing the connection`);
        this.#arrived(event.head, {
          code: 'mllp.frame_too_large',
          text: `The message is larger than the limit of ${this.#maxFrameBytes} bytes and was not read; the connection is closed.`,
        });
        this.#refused = true;
        break;
      }
    }
    this.#flow();
    this.#schedule();
  }

  #arrived(payload: Buffer, refusal?: Arrived['refusal']): void {
    const head = headerOf(payload);
    const source = head.sendingApp.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 50) || 'mllp';
    this.#waiting.push({ head, source, payload, position: `message ${++this.#count}`, ...(refusal ? { refusal } : {}) });
  }

  /** Reads while there is room: fewer than MAX_WAITING frames waiting, and the sender taking its ACKs. */
  #flow(): void {
    const hold = !this.#refused && (this.#waiting.length >= (this.options.maxWaiting ?? MAX_WAITING) || this.#writeBlocked);
    if (hold && !this.socket.isPaused()) {
      this.socket.pause();
      this.options.log.info(
        this.#writeBlocked ? 'MLLP: the sender is not reading its ACKs; reading paused until it does' : `MLLP: ${this.#waiting.length} frames waiting; reading paused until they are applied`,
      );
    } else if (!hold && this.socket.isPaused()) this.socket.resume();
  }

  #send(bytes: Buffer): void {
    if (!this.socket.writable) return;
    if (!this.socket.write(bytes) && !this.#writeBlocked) {
      this.#writeBlocked = true;
      this.socket.once('drain', () => {
        this.#writeBlocked = false;
        this.#flow();
      });
    }
  }

  /** Every frame that arrived before the client left is applied (and stays applied: its ACK is simply not sent). */
  closed(): Promise<void> {
    if (this.#reader.pending) this.options.log.warn('MLLP: the client disconnected in the middle of a frame; the partial message was dropped');
    const finish = () => {
      try {
        for (const run of this.#runs.values()) finishRun(this.#context(), run);
      } catch (error) {
        this.options.log.error({ err: error }, 'MLLP: the run report could not be stored');
      }
    };
    if (!this.#scheduled) {
      finish();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.#drained = () => {
        finish();
        resolve();
      };
    });
  }

  /**
   * The group forms by itself: frames arriving while a group is being applied (and its commit is waiting for the
   * disk) are read by the event loop meanwhile and make up the next group, after the ACKs of this one are out.
   */
  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#applyGroup(this.#waiting.splice(0, MAX_GROUP));
      this.#flow();
      this.#schedule();
      if (!this.#scheduled) {
        const drained = this.#drained;
        this.#drained = null;
        drained?.();
      }
    });
  }

  #context(): ServiceContext {
    return serviceContext(this.deps, { actor: { kind: 'import', id: 'mllp' }, now: this.deps.clock.now(), requestId: newId(), ip: this.socket.remoteAddress ?? null });
  }

  /**
   * One durable commit for the group, each message under its own savepoint (applyBatchIn): a message that fails
   * is rolled back alone and quarantined, and answered AE or AR with its reason, while the others commit. The
   * ACKs go out in order once the commit returned, so none acknowledges a message that is not on disk.
   */
  #applyGroup(group: Arrived[]): void {
    const ctx = this.#context();
    const mapped = group.map((a) => (a.refusal ? new Error(a.refusal.text) : this.#adapt(ctx, a)));
    let acks: string[];
    try {
      acks = this.#commit(ctx, group, mapped);
    } catch (error) {
      // The group's transaction failed as a whole (the database refused): nothing of it is stored. Each message
      // is tried again alone, so one that breaks a transaction does not take the others with it.
      this.options.log.error({ err: error }, 'MLLP: a group of messages could not be committed; applying them one by one');
      acks = group.map((arrived, i) => {
        try {
          return this.#commit(ctx, [arrived], [mapped[i]!])[0]!;
        } catch (single) {
          return this.#notApplied(ctx, arrived, single);
        }
      });
    }
    this.#send(Buffer.concat(acks.map((ack) => frame(ack))));
    if (group.some((arrived) => arrived.refusal)) {
      // The NAK goes out before our FIN; the socket stays readable (and drops what comes) so that closing it does
      // not reset the connection over unread bytes and lose the NAK. A sender that never hangs up is cut off.
      this.socket.end();
      this.socket.setTimeout(CLOSE_GRACE_MS, () => this.socket.destroy());
    }
  }

  /** Not applied and not quarantined: AE, so the sender tries again. */
  #notApplied(ctx: ServiceContext, arrived: Arrived, error: unknown): string {
    this.options.log.error({ err: error }, 'MLLP: message could not be applied');
    return buildAck({ ...arrived.head, code: 'AE', now: ctx.now, error: { code: 'internal', text: 'The message could not be stored; send it again.' } });
  }

  #adapt(ctx: ServiceContext, arrived: Arrived): Mapped | Error {
    try {
      return adaptHl7Message(arrived.payload, { source: arrived.source, timeZone: ctx.timeZone }, arrived.position);
    } catch (error) {
      return error as Error;
    }
  }

  /** Applies the messages in one transaction and returns their ACKs; run counts move only if it commits. */
  #commit(ctx: ServiceContext, group: Arrived[], mapped: (Mapped | Error)[]): string[] {
    const saved = new Map([...this.#runs].map(([source, run]) => [source, { counts: { ...run.counts }, problems: run.problems.length }]));
    try {
      return inImportTransaction(ctx, (tx) =>
        group.map((arrived, i) => {
          if (arrived.refusal) return buildAck({ ...arrived.head, code: 'AR', now: ctx.now, error: arrived.refusal });
          const item = mapped[i]!;
          // An adapter that broke on this message (not a refusal: those are quarantined) costs only this message.
          if (item instanceof Error) return this.#notApplied(ctx, arrived, item);
          let run = this.#runs.get(arrived.source);
          if (!run) this.#runs.set(arrived.source, (run = startRun(ctx, 'hl7', arrived.source, 'mllp')));
          const [result] = applyBatchIn(tx, ctx, run, [item]);
          const problem = result?.problem;
          const code = !problem || result.outcome === 'review' ? 'AA' : REFUSED.has(problem.code) ? 'AR' : 'AE';
          return buildAck({ ...arrived.head, code, now: ctx.now, ...(code !== 'AA' && problem ? { error: { code: problem.code, text: problem.reason } } : {}) });
        }),
      );
    } catch (error) {
      for (const [source, run] of [...this.#runs]) {
        const before = saved.get(source);
        if (!before) this.#runs.delete(source);
        else {
          run.counts = before.counts;
          run.problems.length = before.problems;
        }
      }
      throw error;
    }
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
