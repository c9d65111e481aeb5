import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { journalFilesOf, ReadJournalFiles } from '../../src/modules/audit/read-journal-file.js';

/*
 * The read journal's files on a disk that fills in the middle of a write, for real: a child process whose files may
 * not grow past 1 KiB (`ulimit -f 1`), so the kernel takes the part of a write that fits and refuses the rest
 * (Node ignores SIGXFSZ).
 */
const dir = mkdtempSync(join(tmpdir(), 'hcrm-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MODULE = fileURLToPath(new URL('../../src/modules/audit/read-journal-file.ts', import.meta.url));

/** Appends `lines` lines of `bytes` bytes each in a child limited to 1 KiB a file; what each append said. */
function appendOnSmallDisk(databasePath: string, lines: number, bytes: number): string[] {
  const script = `
    import { ReadJournalFiles } from ${JSON.stringify(MODULE)};
    const files = new ReadJournalFiles(${JSON.stringify(databasePath)});
    const said = [];
    for (let i = 0; i < ${lines}; i++) {
      const line = JSON.stringify(['patient.read', String(i).padEnd(${bytes - 20}, '.')]).padEnd(${bytes - 1}) + String.fromCharCode(10);
      try { files.append(line, 1); said.push('taken'); } catch (error) { said.push(error.message); }
    }
    files.close();
    console.log(JSON.stringify(said));`;
  const child = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" --import tsx --input-type=module -e "$1"', process.execPath, script], { encoding: 'utf8', timeout: 30_000 });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as string[];
}

describe('read journal files on a full disk', () => {
  it('fail the append the disk took only part of, and begin the next lines in a file of their own', () => {
    const databasePath = join(dir, 'hcrm.db');
    expect(appendOnSmallDisk(databasePath, 5, 300)).toEqual(['taken', 'taken', 'taken', 'the read journal took 124 of 300 bytes', 'taken']);

    const [first, second] = journalFilesOf(databasePath).map((f) => readFileSync(f.path, 'utf8'));
    const firstLines = first!.split('\n');
    expect(first).toHaveLength(1024);
    // Three whole lines and the start of the fourth, which replay skips as a line cut short.
    expect(firstLines.slice(0, 3).map((line) => JSON.parse(line)[1].replace(/\.+$/, ''))).toEqual(['0', '1', '2']);
    expect(firstLines[3]).toHaveLength(124);
    expect(() => JSON.parse(firstLines[3]!)).toThrow();
    expect(JSON.parse(second!.split('\n')[0]!)[1].replace(/\.+$/, '')).toBe('4');
  });
});

describe('the read journal’s lock', () => {
  it('is taken over from a service that died, and given up at close', () => {
    const databasePath = join(dir, 'after-crash.db');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${databasePath}-reads.lock`, dead.stdout);

    const files = new ReadJournalFiles(databasePath);
    expect(readFileSync(`${databasePath}-reads.lock`, 'utf8')).toBe(String(process.pid));
    files.close();
    expect(() => readFileSync(`${databasePath}-reads.lock`)).toThrow(/ENOENT/);
  });
});
