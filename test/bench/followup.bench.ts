import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { satisfactionByDepartmentMonth } from '../../src/modules/followup/followup.queries.js';
import { satisfactionFromResponses } from '../../src/modules/followup/followup.repository.js';
import { systemContext } from '../../src/lib/context.js';
import { followupHospital } from './followup-fixture.js';
import { plansFigures } from './followup-plans.js';
import { emit, note, percentile } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const FORM = 'action=submit&q%3Adoctor=5&q%3Aexplanation=4&q%3Anursing=5&q%3Awaiting=3&q%3Aenvironment=4&q%3Acost=3&q%3Aoverall=4&q%3Anps=9';

/**
 * With BENCH_RESPONSES stored responses (default 1,000,000): satisfaction mean and NPS by department and month
 * (the budget is 200 ms), from the rollup and, for comparison, straight from the responses; then the patient's
 * form over HTTP (render and submit) next to a bare Fastify route served by the same process. First, plans applied
 * to 10,000 discharges (followup-plans.ts). BENCH_ONLY=plans or =responses runs one half.
 */
export async function run(): Promise<void> {
  if (process.env.BENCH_ONLY !== 'responses') await plansFigures();
  if (process.env.BENCH_ONLY === 'plans') return;
  const { db, deps, responses } = await followupHospital();
  const ctx = systemContext(deps, 'bench');
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await satisfactionByDepartmentMonth(ctx, { fromMonth: '2024-12', toMonth: '2026-11' });
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  emit('followup', `satisfaction_nps_by_department_month_p50_ms@${responses}`, percentile(samples, 50), 'ms');
  emit('followup', `satisfaction_nps_by_department_month_max_ms@${responses}`, samples.at(-1)!, 'ms', 200);
  const scan = performance.now();
  satisfactionFromResponses(db, '2024-12', '2026-11');
  emit('followup', `satisfaction_nps_full_scan_ms@${responses}`, performance.now() - scan, 'ms');
  db.$client.close();

  const server = spawn(process.execPath, ['--import', 'tsx', new URL('./followup-http-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const info = await firstLine<{ appUrl: string; bareUrl: string; renderTokens: string[]; submitTokens: string[] }>(server.stdout);
    let n = 0;
    const bare = await load(info.bareUrl, () => ({ method: 'GET', path: `/bare/${n++}` }));
    const render = await load(info.appUrl, () => ({ method: 'GET', path: `/q/${info.renderTokens[n++ % info.renderTokens.length]}` }));
    let s = 0;
    const submit = await load(info.appUrl, () => {
      const token = info.submitTokens[s++];
      if (!token) note('ran out of submit tokens; raise BENCH_SUBMIT_TOKENS');
      return { method: 'POST', path: `/q/${token ?? 'none'}`, body: FORM, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: info.appUrl } };
    }, false);
    emit('followup', 'bare_route_rps', bare.rps, 'req/s');
    emit('followup', 'form_render_rps', render.rps, 'req/s', bare.rps);
    emit('followup', 'form_render_p99_ms', render.p99, 'ms', bare.p99);
    emit('followup', 'form_submit_rps', submit.rps, 'req/s', bare.rps);
    emit('followup', 'form_submit_p99_ms', submit.p99, 'ms', bare.p99);
    if (render.errors > 0 || submit.errors > 0) note(`unexpected replies: render ${render.errors}, submit ${submit.errors}`);
  } finally {
    server.kill('SIGTERM');
  }
}

type Req = { method: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> };

async function load(base: string, next: () => Req, warm = true): Promise<{ rps: number; p99: number; errors: number }> {
  const options: autocannon.Options = { url: base, connections: CONNECTIONS, requests: [{ setupRequest: (request) => ({ ...request, ...next() }) }] };
  if (warm) await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: SECONDS });
  // A submission answers 303 (see other): a redirect to the thanks page is its success.
  const errors = result.errors + (result['4xx'] ?? 0) + (result['5xx'] ?? 0);
  return { rps: result.requests.average, p99: result.latency.p99, errors };
}

function firstLine<T>(stream: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.once('line', (line) => resolve(JSON.parse(line) as T));
    stream.once('end', () => reject(new Error('benchmark server exited before it was ready')));
  });
}
