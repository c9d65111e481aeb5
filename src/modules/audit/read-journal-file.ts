import { closeSync, fdatasync, fdatasyncSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A journal file is closed and a new one begun past this size; a closed one goes once all its rows are in the log. */
const ROTATE_BYTES = 16 * 1024 * 1024;

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
 * The read audit rows of the service, each on stable storage in a plain file before the read is answered and in the
 * audit log a moment later (audit.reads.ts). One row a line, as its canonical content (audit.service.ts). Files are
 * `<database>-reads.<n>`: the service writes to the newest, begun afresh at each start and past 16 MB, and removes
 * a file once every row in it is in the log. Files found at start hold rows a stopped service answered for and may
 * not have logged; the audit writer replays them (audit.writer.ts) before they go. One service per database: a
 * second would take the first one's current file for left over.
 */
export class ReadJournalFiles {
  private readonly files: JournalFile[] = [];
  private next: number;
  /** Files left by an earlier run, oldest first: for the writer to replay. */
  readonly leftOver: string[];

  constructor(private readonly databasePath: string) {
    const found = journalFilesOf(databasePath);
    this.leftOver = found.map((f) => f.path);
    this.next = (found.at(-1)?.number ?? 0) + 1;
  }

  /** Appends the lines (each ending in a newline) to the current file; returns it, to say later that they are logged. */
  append(lines: string, rows: number): string {
    let file = this.files.at(-1);
    if (!file?.current || file.bytes >= ROTATE_BYTES) file = this.begin();
    // One write: a line is in the file whole or, after a crash mid-write, cut short at its end, which replay skips.
    writeSync(file.fd!, lines);
    file.bytes += Buffer.byteLength(lines);
    file.written += rows;
    return file.path;
  }

  /** fdatasync of every open file on libuv's thread pool: each line written before the call is on stable storage after. */
  async sync(): Promise<void> {
    const open = this.files.filter((f) => f.fd !== undefined);
    const retired = open.filter((f) => !f.current);
    await Promise.all(open.map((f) => new Promise<void>((resolve, reject) => fdatasync(f.fd!, (error) => (error ? reject(error) : resolve())))));
    this.closeSynced(retired);
  }

  /** The same, blocking (shutdown). */
  syncNow(): void {
    const open = this.files.filter((f) => f.fd !== undefined);
    const retired = open.filter((f) => !f.current);
    for (const file of open) fdatasyncSync(file.fd!);
    this.closeSynced(retired);
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

  /** Syncs and closes every file; the next append begins a new one. */
  close(): void {
    for (const file of this.files) file.current = false;
    this.syncNow();
  }

  private begin(): JournalFile {
    const previous = this.files.at(-1);
    if (previous) previous.current = false;
    const path = `${this.databasePath}-reads.${this.next++}`;
    const file: JournalFile = { path, fd: openSync(path, 'a'), current: true, bytes: 0, written: 0, logged: 0 };
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

/** The journal files beside the database, in the order they were begun. */
export function journalFilesOf(databasePath: string): { path: string; number: number }[] {
  const prefix = `${basename(databasePath)}-reads.`;
  return readdirSync(dirname(databasePath))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ path: join(dirname(databasePath), name), number: Number(name.slice(prefix.length)) }))
    .sort((a, b) => a.number - b.number);
}
