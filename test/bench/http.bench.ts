import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { emit, note } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface ServerInfo {
  appUrl: string;
  bareUrl: string;
  token: string;
  ids: string[];
  coldIds: string[];
  queries: string[];
}

/**
 * HTTP throughput with concurrent clients on loopback: GET /api/patients/:id and a pinyin search, each next to a
 * bare Fastify route served by the same process, measured in the same run. The ratio is the share of the bare
 * route's requests per second the real route keeps (the floor is 0.4 for the patient read).
 */
export async function run(): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', new URL('./http-server.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const info = await firstLine<ServerInfo>(server.stdout);
    let n = 0;
    const next = <T>(list: T[]) => list[n++ % list.length]!;
    const auth = { authorization: `Bearer ${info.token}` };

    const bare = await load(`${info.bareUrl}`, () => `/bare/${next(info.ids)}`, {});
    // The same application's cheapest authenticated route: what session, hooks and serialisation cost alone.
    const me = await load(info.appUrl, () => '/api/auth/me', auth);
    // 1,000 patients read over and over, as a ward or call centre does: the file cache serves most reads. Each is
    // opened once first, so the figure is of files already open (the uncached read below is the other case).
    let opened = 0;
    await autocannon({ url: info.appUrl, connections: CONNECTIONS, headers: auth, amount: info.ids.length, requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/patients/${info.ids[opened++ % info.ids.length]!}` }) }] });
    const read = await load(info.appUrl, () => `/api/patients/${next(info.ids)}`, auth);
    let cold = 0;
    const readCold = await load(info.appUrl, () => `/api/patients/${info.coldIds[cold++ % info.coldIds.length]!}`, auth);
    const search = await load(info.appUrl, () => `/api/patients?q=${encodeURIComponent(next(info.queries))}&limit=20`, auth);

    emit('http', 'bare_route_rps', bare.rps, 'req/s');
    emit('http', 'signed_in_trivial_route_rps', me.rps, 'req/s', bare.rps);
    emit('http', 'patient_read_rps', read.rps, 'req/s', bare.rps);
    emit('http', 'patient_read_p99_ms', read.p99, 'ms', bare.p99);
    emit('http', 'patient_read_uncached_rps', readCold.rps, 'req/s', bare.rps);
    emit('http', 'patient_read_uncached_p99_ms', readCold.p99, 'ms', bare.p99);
    emit('http', 'patient_search_rps', search.rps, 'req/s', bare.rps);
    emit('http', 'patient_search_p99_ms', search.p99, 'ms', bare.p99);
    if (me.errors + read.errors + readCold.errors + search.errors > 0) note(`non-2xx replies: me ${me.errors}, read ${read.errors}, uncached read ${readCold.errors}, search ${search.errors}`);
  } finally {
    server.kill('SIGTERM');
  }
}

async function load(base: string, path: () => string, headers: Record<string, string>): Promise<{ rps: number; p99: number; errors: number }> {
  const options: autocannon.Options = {
    url: base,
    connections: CONNECTIONS,
    headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }],
  };
  await autocannon({ ...options, duration: 2 }); // warm-up: JIT, page cache
  const result = await autocannon({ ...options, duration: SECONDS });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

/** The server's ready line; figure lines it prints before it (building the fixture) are passed on. */
function firstLine<T>(stream: NodeJS.ReadableStream): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      if (!line.includes('"appUrl"')) return void process.stdout.write(`${line}\n`);
      lines.removeAllListeners('line');
      resolve(JSON.parse(line) as T);
    });
    stream.once('end', () => reject(new Error('benchmark server exited before it was ready')));
  });
}
