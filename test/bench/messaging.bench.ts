import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrateDatabase, openDatabase } from '../../db/client.js';
import { createDeps } from '../../src/app.js';
import { systemClock } from '../../src/lib/clock.js';
import { systemContext, type Deps } from '../../src/lib/context.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { smtpChannel, twilioChannel, type Channel } from '../../src/modules/messaging/channels/index.js';
import { dispatchDueMessages, enqueueMessage } from '../../src/modules/messaging/messaging.service.js';
import { insertNewPatient } from '../../src/modules/patients/patients.service.js';
import { aPatient } from '../helpers/factories.js';
import { reminderVariables, testSettings, testTemplates } from '../helpers/messaging.js';
import { FakeSmtp } from '../helpers/smtp-server.js';
import { FakeTwilio } from '../helpers/twilio-server.js';
import { emit, note } from './report.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
/** Bare sends measured per channel: enough for a stable rate, fewer than the outbox runs to keep the run short. */
const BARE = Number(process.env.BENCH_BARE ?? 20_000);
const PATIENTS = 2_000;
const CONCURRENCY = 16;
const BATCH = 500;
const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'bench-auth-token';
const SECRET = 'bench-secret-key-of-at-least-32-characters';
const CLI = fileURLToPath(new URL('../../src/modules/messaging/dispatch-cli.ts', import.meta.url));

/**
 * The outbox against the bare channel, in the same run: MESSAGES queued SMS dispatched to a loopback Twilio server
 * through the twilio library, and MESSAGES e-mails to a loopback SMTP server (STARTTLS) through nodemailer, next to
 * BARE sends of the same messages straight through the same channels with the same concurrency. Then MESSAGES more
 * SMS are sent by dispatcher child processes, the first killed with SIGKILL half-way, and the server counts what it
 * received per message: duplicates and losses must both be 0. The servers run in this process.
 */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hcrm-bench-messaging-'));
  const twilio = await new FakeTwilio(ACCOUNT, { username: ACCOUNT, password: TOKEN }).start();
  const smtp = await new FakeSmtp({ keep: false }).start();
  const smtpUrl = `smtp://hcrm:secret@127.0.0.1:${smtp.port}?requireTLS=true&tls.rejectUnauthorized=false&maxConnections=${CONCURRENCY}&maxMessages=Infinity`;
  const sms = twilioChannel({ accountSid: ACCOUNT, authToken: TOKEN, apiKey: undefined, from: '+15005550006', messagingServiceSid: undefined, apiBaseUrl: twilio.url }, 'https://crm.hospital.example');
  const email = smtpChannel(smtpUrl, 'HCRM <notice@hospital.example>');
  const dbPath = join(dir, 'hcrm.db');
  const db = openDatabase(dbPath);
  migrateDatabase(db);
  const deps = createDeps({ db, clock: systemClock, secretKey: SECRET, timeZone: 'Asia/Shanghai', extraTemplates: [testTemplates], messaging: { settings: testSettings(), channels: { sms, email } } });
  try {
    const patients = seedPatients(deps);

    const enqueueStarted = performance.now();
    enqueue(deps, patients, 'sms', 'a');
    emit('messaging', 'enqueue_per_s', MESSAGES / ((performance.now() - enqueueStarted) / 1000), 'msgs/s');

    for (const [name, channel] of [['twilio', sms], ['smtp', email]] as const) {
      if (name === 'smtp') enqueue(deps, patients, 'email', 'b');
      await bareRate(channel, Math.min(2_000, BARE), 'warm'); // connections, TLS, JIT: neither side pays them in its figure
      const bare = await bareRate(channel, BARE, 'bare');
      const started = performance.now();
      const report = await dispatchDueMessages(deps, { batchSize: BATCH, concurrency: CONCURRENCY });
      const rate = report.sent / ((performance.now() - started) / 1000);
      emit('messaging', `${name}_bare_per_s`, bare, 'msgs/s');
      // baseline is the bare rate; ratio = outbox share of it (the floor: at least 0.5, i.e. at most 2× the cost).
      emit('messaging', `${name}_outbox_per_s`, rate, 'msgs/s', bare);
      if (report.sent !== MESSAGES) note(`${name}: sent ${report.sent} of ${MESSAGES} (${JSON.stringify(report)})`);
    }
    const smtpDuplicates = [...smtp.byMessageId.values()].filter((n) => n > 1).length;
    const smtpOutbox = [...smtp.byMessageId.keys()].filter((id) => !/^<(bare|warm)-/.test(id)).length;
    emit('messaging', 'smtp_duplicates', smtpDuplicates, 'msgs');
    emit('messaging', 'smtp_lost', MESSAGES - smtpOutbox, 'msgs');

    await crashAndRestart(deps, patients, dbPath, twilio);
  } finally {
    await sms.close();
    await email.close();
    db.$client.close();
    await twilio.stop();
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function seedPatients(deps: Deps): string[] {
  const ctx = systemContext(deps, 'bench');
  return inTransaction(deps, (tx) =>
    Array.from({ length: PATIENTS }, (_v, i) =>
      insertNewPatient(
        tx,
        ctx,
        aPatient({
          identifiers: [],
          residentId: null,
          phone: `139${String(10_000_000 + i).slice(-8)}`,
          email: `patient${i}@example.cn`,
          consent: [
            { channel: 'sms', purpose: 'care', granted: true, method: 'written' },
            { channel: 'email', purpose: 'care', granted: true, method: 'written' },
          ],
        }),
      ),
    ),
  );
}

/** MESSAGES reminders, 1,000 per transaction, as a job queueing tomorrow's reminders would. */
function enqueue(deps: Deps, patients: string[], channel: 'sms' | 'email', prefix: string): string[] {
  const ctx = systemContext(deps, 'bench');
  const ids: string[] = [];
  const scheduledAt = new Date(Date.now() - 60_000);
  for (let start = 0; start < MESSAGES; start += 1000) {
    inTransaction(deps, (tx) => {
      for (let i = start; i < Math.min(start + 1000, MESSAGES); i++) {
        const patientId = patients[i % patients.length]!;
        ids.push(enqueueMessage(tx, ctx, { purpose: 'appointment-reminder', category: 'care', patientId, template: 'test.reminder', variables: reminderVariables, scheduledAt, dedupeKey: `${prefix}:${i}`, channel }).id);
      }
    });
  }
  return ids;
}

async function bareRate(channel: Channel, n: number, prefix: string): Promise<number> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const to = channel.provider === 'twilio' ? `+86139${String(20_000_000 + i).slice(-8)}` : `${prefix}${i}@example.cn`;
      const outcome = await channel.send({ id: `${prefix}-${i}`, to, body: '张三丰您好，您已预约心内科李明医生11月24日 09:30的门诊，请按时就诊。', subjectLine: '门诊预约提醒', category: 'care', locale: 'zh-CN', unsubscribeUrl: null });
      if (outcome.kind !== 'accepted') failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (failed > 0) note(`bare ${channel.provider}: ${failed} sends failed`);
  return n / ((performance.now() - started) / 1000);
}

async function crashAndRestart(deps: Deps, patients: string[], dbPath: string, twilio: FakeTwilio): Promise<void> {
  const ids = enqueue(deps, patients, 'sms', 'crash');
  const before = twilio.messages.length;
  const start = () =>
    spawn(process.execPath, ['--import', 'tsx', CLI, '--batch-size', String(BATCH), '--concurrency', String(CONCURRENCY), '--lease-ms', '2000', '--interval-ms', '200'], {
      env: {
        PATH: process.env.PATH,
        HCRM_DB_PATH: dbPath,
        HCRM_SECRET_KEY: SECRET,
        HCRM_QUIET_HOURS: '00:00-00:00',
        HCRM_SMS_SEGMENTS_PER_SECOND: '10000',
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: TOKEN,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE_URL: twilio.url,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const started = performance.now();
  const first = start();
  // Killed from the server's request handler, so the process dies with a batch in flight, not between batches.
  const exited = new Promise((resolve) => first.once('exit', resolve));
  twilio.onMessage = () => {
    if (twilio.messages.length - before >= MESSAGES / 2) first.kill('SIGKILL');
  };
  await exited;
  twilio.onMessage = null;
  const stranded = (deps.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE status = 'sending'").get() as { n: number }).n;
  const second = start();
  const sent = () => (deps.db.$client.prepare("SELECT count(*) AS n FROM messages WHERE status = 'sent' AND dedupe_key LIKE 'crash:%'").get() as { n: number }).n;
  await until(() => sent() === MESSAGES);
  second.kill('SIGTERM');
  const seconds = (performance.now() - started) / 1000;

  const perId = new Map<string, number>();
  for (const m of twilio.messages.slice(before)) perId.set(m.idempotencyKey ?? '', (perId.get(m.idempotencyKey ?? '') ?? 0) + 1);
  const duplicates = [...perId.values()].filter((n) => n > 1).length;
  const lost = ids.filter((id) => !perId.has(id)).length;
  note(`crash: ${stranded} rows were claimed by the killed process; ${twilio.repeats} repeated requests answered from the idempotency key`);
  emit('messaging', 'crash_restart_per_s', MESSAGES / seconds, 'msgs/s');
  emit('messaging', 'crash_duplicates', duplicates, 'msgs');
  emit('messaging', 'crash_lost', lost, 'msgs');
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('benchmark timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
