import type { Db, Tx } from '../../../db/client.js';
import type { StaffActor } from '../staff/permissions.js';
import { inReadSnapshot } from '../../lib/transaction.js';
import { fileRevision } from './patients.repository.js';
import { PatientFile } from './patients.schemas.js';

/** Enough for a busy ward round and a call centre's morning; an entry is a few kilobytes. */
const CAPACITY = 10_000;

export interface CachedFile {
  revision: number;
  file: PatientFile;
}

/**
 * Built patient files, kept per connection and served while the patient's revision is unchanged. The revision is
 * raised by triggers on every table the file reads (migration 0007), so any writer, in this process or another,
 * makes the cached copy stale; a hit costs one indexed read instead of eight queries and the decryption of the
 * resident ID. A file differs by what the reader may see and by the day (age), so those are part of the key.
 * Cached files are shared between requests and must not be changed by callers.
 *
 * A hit is checked inside the read's audit transaction (getPatientFile), where the revision read costs no read
 * lock of its own; a stale copy is rebuilt and its read audited then.
 */
export class PatientFileCache {
  private readonly entries = new Map<string, CachedFile>();

  constructor(private readonly capacity = CAPACITY) {}

  /** Whose copy of the file this is: a file differs by what the reader may see and by the day (age). */
  keyOf(actor: StaffActor, patientId: string, today: string): string {
    return `${patientId}\u0000${actor.role}\u0000${actor.departmentId ?? ''}\u0000${today}`;
  }

  /**
   * The copy kept under `key`, without asking the database whether it is still current: the caller compares its
   * revision with fileRevision() before serving it (getPatientFile does so inside the read's audit transaction).
   */
  peek(key: string): CachedFile | undefined {
    const cached = this.entries.get(key);
    if (cached) {
      // Map keeps insertion order: re-inserting marks the entry as recently used for the eviction below.
      this.entries.delete(key);
      this.entries.set(key, cached);
    }
    return cached;
  }

  /** Reads the revision and builds the file in one snapshot, so the copy kept always matches its revision. */
  build(db: Db, key: string, patientId: string, build: (tx: Tx) => PatientFile): CachedFile {
    return inReadSnapshot({ db }, (tx) => {
      const entry = { revision: fileRevision(tx, patientId), file: build(tx) };
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
      return entry;
    });
  }
}

const caches = new WeakMap<Db, PatientFileCache>();

export function patientFileCache(db: Db): PatientFileCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new PatientFileCache()));
  return cache;
}

const serialized = new WeakMap<PatientFile, string>();

/**
 * The file as its route's response schema serializes it, made once per cached file: a file read a hundred times
 * is checked against the schema and stringified once.
 */
export function serializedPatientFile(file: PatientFile): string {
  let json = serialized.get(file);
  if (json === undefined) serialized.set(file, (json = JSON.stringify(PatientFile.parse(file))));
  return json;
}
