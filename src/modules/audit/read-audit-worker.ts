import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReadAudit } from './audit.reads.js';

// The worker runs the same TypeScript modules as the service; tsx's loader is registered in it first, as the
// worker does not inherit the loader of the thread that starts it.
const TSX_API = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const ENTRY = new URL('./read-audit.worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); })`;

export type WorkerReply = { kind: 'ready' } | { kind: 'committed'; group: number; outcomes: (string | null)[] } | { kind: 'failed'; error: string };

/**
 * A thread with its own connection to the database file that commits groups of read audits, so the fsync each
 * commit waits for blocks that thread instead of the event loop serving requests. One group at a time; the
 * journal gathers the next while this one commits.
 */
export class ReadAuditWorker {
  private waiting = new Map<number, { resolve: (outcomes: (string | null)[]) => void; reject: (error: Error) => void }>();
  private nextGroup = 1;
  private stopped: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind !== 'committed') return;
      this.waiting.get(reply.group)?.resolve(reply.outcomes);
      this.waiting.delete(reply.group);
    });
    const fail = (error: Error) => {
      this.stopped = error;
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the read-audit writer stopped (exit code ${code})`)));
    worker.unref();
  }

  static async start(path: string): Promise<ReadAuditWorker> {
    const worker = new Worker(BOOT, { eval: true, workerData: { path } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.kind === 'ready') resolve();
        else if (reply.kind === 'failed') reject(new Error(`the read-audit writer could not start: ${reply.error}`));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    return new ReadAuditWorker(worker);
  }

  commit(reads: ReadAudit[]): Promise<(string | null)[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const group = this.nextGroup++;
    return new Promise((resolve, reject) => {
      this.waiting.set(group, { resolve, reject });
      this.worker.postMessage({ group, reads });
    });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = new Error('the read-audit writer is closed');
    this.worker.postMessage({ close: true });
    await new Promise((resolve) => this.worker.once('exit', resolve));
  }
}
