import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../db/client.js';
import { commitReadAudits, type ReadAudit } from './audit.reads.js';
import type { WorkerReply } from './read-audit-worker.js';

// The writer thread of read-audit-worker.ts: its own connection, the same pragmas (synchronous=FULL), the same
// commit as the service's own thread. It never migrates; the service has done that before starting it.
const port = parentPort!;
const reply = (message: WorkerReply) => port.postMessage(message);

try {
  const db = openDatabase((workerData as { path: string }).path);
  port.on('message', (message: { group: number; reads: ReadAudit[] } | { close: true }) => {
    if ('close' in message) {
      db.$client.close();
      port.close();
      return;
    }
    reply({ kind: 'committed', group: message.group, outcomes: commitReadAudits(db, message.reads) });
  });
  reply({ kind: 'ready' });
} catch (error) {
  reply({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
}
