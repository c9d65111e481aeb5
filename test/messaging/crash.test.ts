import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testTemplates } from '../helpers/messaging.js';
import { FakeTwilio } from '../helpers/twilio-server.js';

/*
 * Crash safety with a real process: the dispatcher (`npm run dispatch`) runs as a child on the test's database
 * file, is killed with SIGKILL in the middle of a batch, and is started again. Afterwards every due message has
 * reached Twilio exactly once: the rows the dead process had claimed are taken over when their lease lapses and
 * first looked up at Twilio (same recipient and text since the claim) and adopted when found, sent when not. Each
 * of the 20 patients is owed 15 identical reminders, so a lookup finds twins: each patient still gets 15, no more
 * and no fewer.
 */
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const fake = await new FakeTwilio(ACCOUNT, { username: ACCOUNT, password: 'crash-token' }).start();
const h = await useTestHospital({ extraTemplates: [testTemplates] });
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await fake.stop();
});

const CLI = fileURLToPath(new URL('../../src/modules/messaging/dispatch-cli.ts', import.meta.url));

function startDispatcher(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--batch-size', '40', '--concurrency', '8', '--lease-ms', '1500', '--interval-ms', '100'], {
    env: {
      PATH: process.env.PATH,
      TZ: 'UTC',
      HCRM_DB_PATH: h.dbPath,
      HCRM_SECRET_KEY: 'test-secret-key-of-at-least-32-characters',
      HCRM_PUBLIC_URL: 'https://crm.hospital.example',
      HCRM_QUIET_HOURS: '00:00-00:00',
      HCRM_SMS_SEGMENTS_PER_SECOND: '10000',
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: 'crash-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE_URL: fake.url,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('a dispatcher killed mid-batch and restarted', () => {
  it('delivers every due message to Twilio exactly once', async () => {
    const ids: string[] = [];
    const patients = await Promise.all(Array.from({ length: 20 }, () => createPatient(h.system(), aPatient({ identifiers: [] }))));
    inTransaction(h.deps, (tx) => {
      for (let i = 0; i < 300; i++) {
        const patient = patients[i % patients.length]!;
        ids.push(
          enqueueMessage(tx, h.system(), {
            purpose: 'appointment-reminder',
            category: 'care',
            patientId: patient.id,
            template: 'test.reminder',
            variables: reminderVariables,
            scheduledAt: new Date(Date.now() - 60_000),
            dedupeKey: `crash:${i}`,
          }).id,
        );
      }
    });
    fake.delayMs = 5;
    fake.honoursIdempotencyKeys = false; // as api.twilio.com: the dispatcher must recognise accepted rows by asking

    const first = startDispatcher();
    // Killed while a batch is claimed: between two batches nothing would be left 'sending' for the restart to find.
    const claimed = () => (h.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE status = 'sending'").get() as { n: number }).n;
    await until(() => fake.messages.length >= 100 && claimed() > 0, 20_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(claimed(), 'the crash left claimed rows behind').toBeGreaterThan(0);

    const second = startDispatcher();
    const sent = () => (h.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE status = 'sent'").get() as { n: number }).n;
    await until(() => sent() === 300, 30_000);
    second.kill('SIGTERM');

    // Twilio cannot tell two identical texts to one number apart, so which twin took over the dead run's message is
    // not known (its idempotency key may be the other twin's); what the patients see is: each number got the texts it
    // was owed, once, and each row names one of them.
    expect(fake.messages).toHaveLength(300);
    const rows = h.db.$client.prepare("SELECT recipient, provider_id AS sid FROM messages WHERE id IN (SELECT value FROM json_each(?))").all(JSON.stringify(ids)) as { recipient: string; sid: string }[];
    expect(countBy(fake.messages.map((m) => m.to))).toEqual(countBy(rows.map((r) => r.recipient)));
    expect(new Set(rows.map((r) => r.sid))).toEqual(new Set(fake.messages.map((m) => m.sid)));
    expect(new Set(rows.map((r) => r.sid)).size).toBe(300);
  }, 60_000);
});
