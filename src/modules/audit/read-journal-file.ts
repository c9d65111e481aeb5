import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A journal file is closed and a new one begun past this size; a closed one goes once all its rows are in the log. */
const ROTATE_BYTES = 16 * 1024 * 1024;

/** Another running service holds the journal of this database (its lock file names a live process). */
export class JournalInUse extends Error {}

interface JournalFile {
  path: string;
  /** Open until the file is past its size and a sync after that has covered it. */
  fd: number | undefined;
  current: boolean;
  bytes: number;
  /** Rows written to the file and rows of it the log has taken. */
  written: number;
  logged: number;
}

/**
 * The read audit rows of the service, each in a plain file before the read is answered (on stable storage then, or
 * within the sync window) and in the audit log a moment later (audit.reads.ts). One row a line, as its canonical content (audit.service.ts). Files are
 * `<database>-reads.<n>`: the service writes to the newest, begun afresh at each start and past 16 MB, and removes
 * a file once every row in it is in the log. Files found at start hold rows a stopped service answered for and may
 * not have logged; the audit writer replays them (audit.writer.ts) before they go. One service per database holds
 * them, by `<database>-reads.lock` naming its process: a second would take the first one's current file for left
 * over, so it is refused (JournalInUse) while that process lives; the lock of a process that died is taken over.
 */
export class ReadJournalFiles {
  private readonly files: JournalFile[] = [];
  private next: number;
  /** The sync under way: syncs run one after another, so none closes a file another is still syncing. */
  private syncing: Promise<void> = Promise.resolve();
  /** Files left by an earlier run, oldest first: for the writer to replay. */
  readonly leftOver: string[];

  private readonly lockPath: string;

  constructor(
    private readonly databasePath: string,
    private readonly rotateBytes = ROTATE_BYTES,
  ) {
    this.lockPath = `${databasePath}-reads.lock`;
    takeLock(this.lockPath);
    const found = journalFilesOf(databasePath);
    this.leftOver = found.map((f) => f.path);
    this.next = (found.at(-1)?.number ?? 0) + 1;
  }

  /** Appends the lines (each ending in a newline) to the current file; returns it, to say later that they are logged. */
  append(lines: string, rows: number): string {
    let file = this.files.at(-1);
    if (!file?.current || file.bytes >= this.rotateBytes) file = this.begin();
    // One write: a line is in the file whole or, after a crash mid-write, cut short at its end, which replay skips.
    const bytes = Buffer.byteLength(lines);
    const written = writeSync(file.fd!, lines);
    file.bytes += written;
    if (written !== bytes) {
      // A full disk can take part of the lines: those reads fail, and the next lines begin a file of their own.
      file.current = false;
      throw new Error(`the read journal took ${written} of ${bytes} bytes`);
    }
    file.written += rows;
    return file.path;
  }

  /** fdatasync of every open file on libuv's thread pool: each line written before the call is on stable storage after. */
  sync(): Promise<void> {
    const run = async () => {
      const open = this.files.filter((f) => f.fd !== undefined);
      const retired = open.filter((f) => !f.current);
      await Promise.all(open.map((f) => new Promise<void>((resolve, reject) => fdatasync(f.fd!, (error) => (error ? reject(error) : resolve())))));
      this.closeSynced(retired);
    };
    this.syncing = this.syncing.then(run, run);
    return this.syncing;
  }

  /** Resolves once no sync is under way (before the files are closed). */
  async idle(): Promise<void> {
    await this.syncing.catch(() => undefined);
  }

  /** The same, blocking; it closes nothing, so a sync under way on the thread pool keeps its descriptors. */
  syncNow(): void {
    for (const file of this.files) if (file.fd !== undefined) fdatasyncSync(file.fd);
  }

  /** Counts rows of `path` as in the log. */
  logged(path: string, rows: number): void {
    const file = this.files.find((f) => f.path === path);
    if (file) file.logged += rows;
  }

  /** Files synced and closed, all of whose rows are in the log: safe to remove once the log is on stable storage. */
  done(): string[] {
    return this.files.filter((f) => f.fd === undefined && f.logged === f.written).map((f) => f.path);
  }

  /** Removes the files named (from done(), or replayed), forgetting them. */
  remove(paths: string[]): void {
    for (const path of paths) {
      rmSync(path, { force: true });
      const at = this.files.findIndex((f) => f.path === path);
      if (at >= 0) this.files.splice(at, 1);
    }
  }

  /** Syncs and closes every file (call it once idle() has resolved) and gives up the lock. */
  close(): void {
    for (const file of this.files) file.current = false;
    this.syncNow();
    this.closeSynced(this.files);
    rmSync(this.lockPath, { force: true });
  }

  private begin(): JournalFile {
    const previous = this.files.at(-1);
    if (previous) previous.current = false;
    const path = `${this.databasePath}-reads.${this.next++}`;
    const file: JournalFile = { path, fd: openSync(path, 'a'), current: true, bytes: 0, written: 0, logged: 0 };
    // The new file's name reaches stable storage before any line in it is answered for (once a file of 16 MB).
    const directory = openSync(dirname(path), 'r');
    try {
      fsyncSync(directory);
    } finally {
      closeSync(directory);
    }
    this.files.push(file);
    return file;
  }

  /** Files no longer written to when a sync began are closed once it is done: it covered every line of theirs. */
  private closeSynced(retired: JournalFile[]): void {
    for (const file of retired) {
      if (file.fd === undefined) continue;
      closeSync(file.fd);
      file.fd = undefined;
    }
  }
}

/** Creates the lock naming this process, or takes over one whose process is gone. */
function takeLock(path: string): void {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(path, 'utf8'));
  if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) throw new JournalInUse(`the read journal is held by process ${holder}`);
  writeFileSync(path, String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The journal files beside the database, in the order they were begun. */
export function journalFilesOf(databasePath: string): { path: string; number: number }[] {
  const prefix = `${basename(databasePath)}-reads.`;
  return readdirSync(dirname(databasePath))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ path: join(dirname(databasePath), name), number: Number(name.slice(prefix.length)) }))
    .sort((a, b) => a.number - b.number);
}
