import type { FastifyInstance } from 'fastify';
import { emit, percentile, timeEach, timeEachAsync } from './report.js';

export interface StatsView {
  figure: string;
  url: string;
  /** Whose view (a manager's); the bench's administrator unless given. */
  headers?: Record<string, string>;
  runs?: number;
  /** The raw SQL the view stands next to, timed in the same run. */
  baseline: () => unknown;
}

/** Each view's server time through the app, median and p99, against its baseline: two figure lines a view. */
export async function timeStatsViews(app: FastifyInstance, views: readonly StatsView[], defaults: { headers: Record<string, string>; runs: number; tag: string }): Promise<void> {
  for (const view of views) {
    const headers = view.headers ?? defaults.headers;
    const runs = Array.from({ length: view.runs ?? defaults.runs }, (_, i) => i);
    const first = await app.inject({ method: 'GET', url: view.url, headers });
    if (first.statusCode !== 200) throw new Error(`${view.url}: ${first.statusCode} ${first.body.slice(0, 300)}`);
    const server = await timeEachAsync(runs, () => app.inject({ method: 'GET', url: view.url, headers }));
    const raw = timeEach(runs, view.baseline);
    emit('stats', `${view.figure}_p50_ms${defaults.tag}`, percentile(server, 50), 'ms', percentile(raw, 50));
    emit('stats', `${view.figure}_p99_ms${defaults.tag}`, percentile(server, 99), 'ms', percentile(raw, 99));
  }
}
