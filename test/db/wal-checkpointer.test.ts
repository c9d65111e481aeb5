import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const module = new URL('../../db/wal-checkpointer.ts', import.meta.url).pathname;

describe('the WAL checkpointer', () => {
  it('keeps the process alive until its worker has stopped, so awaiting stop() at the end of a script settles', () => {
    // The worker is unref'd so it never holds a running service open; stopping it must hold the process until it
    // exits, or Node finds nothing left to run and quits with 13 (an unsettled top-level await) mid-shutdown.
    const dir = mkdtempSync(join(tmpdir(), 'hcrm-checkpointer-'));
    const script = join(dir, 'stop.mts');
    writeFileSync(
      script,
      `import { startWalCheckpointer } from ${JSON.stringify(module)};
const checkpointer = startWalCheckpointer(${JSON.stringify(join(dir, 'hospital.db'))}, 1000);
await checkpointer.checkpointNow();
await checkpointer.stop();
console.log('stopped');
`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect([run.status, run.stdout.trim()]).toEqual([0, 'stopped']);
  });
});
