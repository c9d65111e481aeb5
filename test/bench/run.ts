import { note } from './report.js';

/** `npm run bench` runs every benchmark; `npm run bench -- NAME [NAME…]` runs the ones named. */
const benches: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  patients: () => import('./patients.bench.js'),
  http: () => import('./http.bench.js'),
  matching: () => import('./matching.bench.js'),
  messaging: () => import('./messaging.bench.js'),
  followup: () => import('./followup.bench.js'),
  imports: () => import('./imports.bench.js'),
  callcentre: () => import('./callcentre.bench.js'),
  booking: () => import('./booking.bench.js'),
  stats: () => import('./stats.bench.js'),
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((name) => !(name in benches));
if (unknown.length > 0) {
  note(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const name of asked.length > 0 ? asked : Object.keys(benches)) {
  note(`— ${name}`);
  await (await benches[name]!()).run();
}
