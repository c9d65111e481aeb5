import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a WAL-mode database from a worker thread of its own. Read audit commits run with SQLite's automatic
 * checkpoint off (the audit writer's connection, or db/client.ts withDeferredSync): run inside a commit, it copied a
 * thousand pages into the database file and waited for two fsyncs while every read waiting for that commit queued. A passive checkpoint
 * never blocks the writer or readers, so here it runs beside them and keeps the WAL short.
 */
export interface WalCheckpointer {
  /** One passive checkpoint now: pages in the WAL, and how many of them are now in the database file. */
  checkpointNow(): Promise<{ log: number; checkpointed: number }>;
  stop(): Promise<void>;
}

// Plain CommonJS, evaluated by the worker: the driver's path is resolved here so it works under tsx, vitest and node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    return { log: row.log, checkpointed: row.checkpointed };
  } catch (error) {
    return { error: String(error) };
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message.kind === 'checkpoint') return parentPort.postMessage({ id: message.id, ...checkpoint() });
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startWalCheckpointer(path: string, everyMs: number): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, everyMs, driver } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A worker that fails to open the database must not take the service down: checkpoints are only an optimisation
  // (SQLite checkpoints at the next FULL commit anyway); asking one of a dead worker is refused at once.
  let failure: Error | null = null;
  worker.on('error', (error) => (failure = error));
  void exited.then(() => (failure ??= new Error('the WAL checkpointer has stopped')));
  let asked = 0;
  // Unref'd, the worker never holds a running service open; while someone awaits it, it must, or a process with
  // nothing else left to run quits mid-await (exit code 13) instead of finishing its shutdown.
  let awaited = 0;
  const hold = () => void (awaited++ === 0 && worker.ref());
  const release = () => void (--awaited === 0 && worker.unref());
  return {
    checkpointNow: () =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = ++asked;
        const answer = (reply: { id: number; log: number; checkpointed: number; error?: string }) => {
          if (reply.id !== id) return;
          worker.off('message', answer);
          release();
          if (reply.error) reject(new Error(reply.error));
          else resolve({ log: reply.log, checkpointed: reply.checkpointed });
        };
        hold();
        worker.on('message', answer);
        worker.postMessage({ kind: 'checkpoint', id });
      }),
    stop: async () => {
      hold();
      worker.postMessage({ kind: 'stop' });
      await exited;
    },
  };
}
