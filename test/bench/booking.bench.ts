import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { addDays, localDate } from '../../src/lib/clock.js';
import { systemContext } from '../../src/lib/context.js';
import { inReadSnapshot } from '../../src/lib/transaction.js';
import { weekOf } from '../../src/modules/appointments/appointments.schedules.js';
import { cachedBenchDatabase } from './fixture.js';
import { twoYearsOfSchedules } from './booking-fixture.js';
import { emit, note, percentile, timeEach } from './report.js';

const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 5000);
const CLIENTS = Number(process.env.BENCH_CONNECTIONS ?? 200);

/**
 * Booking: (1) the free-slot search for a department's week over two years of schedules, in process, against the
 * bare SQLite read of the same rows and against counting free places from the slots; (2) 200 concurrent clients
 * booking 1,000 slots over HTTP in a server process of its own, against the same server's bare durable commit (one
 * row per request: what fsync allows) and its signed-in trivial route, then the overbooked slots counted from the
 * database (must be 0).
 */
export async function run(): Promise<void> {
  await weekSearch();
  await concurrentBooking();
}

async function weekSearch(): Promise<void> {
  const { db, deps } = await cachedBenchDatabase('booking-schedules-v2', async (buildDeps) => {
    note('generating two years of schedules');
    await twoYearsOfSchedules(buildDeps);
  });
  const ctx = systemContext(deps, 'bench');
  const departments = (db.$client.prepare("SELECT id FROM departments WHERE code LIKE 'B%'").all() as { id: string }[]).map((r) => r.id);
  const sessions = (db.$client.prepare('SELECT count(*) AS n FROM clinic_sessions').get() as { n: number }).n;
  note(`${sessions} sessions, ${departments.length} departments`);
  const today = localDate(new Date(), 'Asia/Shanghai');
  const inputs = Array.from({ length: SEARCHES }, (_v, i) => ({ departmentId: departments[i % departments.length]!, from: addDays(today, (i * 37) % 700 - 350) }));

  const bare = db.$client.prepare('SELECT * FROM clinic_sessions WHERE department_id = ? AND date BETWEEN ? AND ? ORDER BY date, start_at');
  const counted = db.$client.prepare(
    `SELECT c.id, c.doctor_id, c.date, c.half_day, sum(s.capacity - s.booked - s.reserved_phone - s.reserved_desk) AS free
     FROM clinic_sessions c JOIN slots s ON s.session_id = c.id WHERE c.department_id = ? AND c.date BETWEEN ? AND ? GROUP BY c.id ORDER BY c.date, c.start_at`,
  );
  const search = (input: (typeof inputs)[number]) => inReadSnapshot(ctx, (tx) => weekOf(tx, ctx, { ...input, days: 7 }, 'web'));
  for (const input of inputs.slice(0, 500)) search(input); // warm-up
  // Interleaved, one input at a time, so a burst of load from elsewhere on the machine hits all three alike.
  const ours: number[] = [];
  const raw: number[] = [];
  const aggregated: number[] = [];
  for (const input of inputs) {
    ours.push(...timeEach([input], search));
    raw.push(...timeEach([input], (i) => bare.all(i.departmentId, i.from, addDays(i.from, 6))));
    aggregated.push(...timeEach([input], (i) => counted.all(i.departmentId, i.from, addDays(i.from, 6))));
  }
  for (const list of [ours, raw, aggregated]) list.sort((a, b) => a - b);
  emit('booking', 'week_search_p99_ms', percentile(ours, 99), 'ms', percentile(raw, 99));
  emit('booking', 'week_search_p95_ms', percentile(ours, 95), 'ms', percentile(raw, 95));
  emit('booking', 'week_search_p50_ms', percentile(ours, 50), 'ms', percentile(raw, 50));
  emit('booking', 'week_search_from_slots_p99_ms', percentile(aggregated, 99), 'ms', percentile(raw, 99));
  emit('booking', 'week_search_rows', inputs.reduce((n, input) => n + bare.all(input.departmentId, input.from, addDays(input.from, 6)).length, 0) / inputs.length, 'sessions');
  db.$client.close();
}

interface ServerInfo {
  url: string;
  bareUrl: string;
  token: string;
  slotIds: string[];
  patientIds: string[];
}

async function concurrentBooking(): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', new URL('./booking-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const info = await firstLine<ServerInfo>(server.stdout);
    const auth = { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' };
    const trivial = await autocannon({ url: info.url, connections: CLIENTS, duration: 5, headers: auth, requests: [{ method: 'GET', path: '/api/auth/me' }] });
    // What the disk allows: one durable commit of one row per request (synchronous = FULL), on the same server.
    const commits = await autocannon({ url: info.bareUrl, connections: CLIENTS, duration: 5, requests: [{ method: 'POST', path: '/bare/commit' }] });
    let n = 0;
    const started = performance.now();
    const result = await autocannon({
      url: info.url,
      connections: CLIENTS,
      amount: info.patientIds.length,
      headers: auth,
      requests: [
        {
          method: 'POST',
          path: '/api/appointments',
          setupRequest: (request) => {
            const i = n++;
            // Random slots, so many clients race for the same last places.
            const slotId = info.slotIds[Math.floor(Math.random() * info.slotIds.length)]!;
            return { ...request, body: JSON.stringify({ slotId, patientId: info.patientIds[i % info.patientIds.length] }) };
          },
        },
      ],
    });
    const seconds = (performance.now() - started) / 1000;
    const booked = result['2xx'];
    emit('booking', 'bookings_per_s', booked / seconds, 'bookings/s', commits.requests.average);
    emit('booking', 'booking_requests_per_s', result.requests.total / seconds, 'req/s', trivial.requests.average);
    emit('booking', 'booking_p99_ms', result.latency.p99, 'ms', commits.latency.p99);
    note(`${result.requests.total} requests: ${booked} booked, ${result['4xx']} refused (full or rule), ${result['5xx']} server errors, ${result.errors} socket errors`);
    const counts = await new Promise<{ overbooked: number; booked: number; places: number }>((resolve) => {
      server.kill('SIGUSR2');
      const lines = createInterface({ input: server.stdout });
      lines.once('line', (line) => resolve(JSON.parse(line)));
    });
    emit('booking', 'overbooked_slots', counts.overbooked, 'slots');
    emit('booking', 'places_booked', counts.booked, 'places', counts.places);
  } finally {
    server.kill('SIGTERM');
  }
}

function firstLine<T>(stream: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream });
    lines.once('line', (line) => {
      lines.close();
      resolve(JSON.parse(line) as T);
    });
    stream.once('end', () => reject(new Error('benchmark server exited before it was ready')));
  });
}
