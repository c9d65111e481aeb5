import { pointReadsOf, type Db, type Tx } from '../../../db/client.js';
import type { StaffActor } from '../staff/permissions.js';
import { inReadSnapshot } from '../../lib/transaction.js';
import { fileClock, fileRevision } from './patients.repository.js';
import { PatientFile } from './patients.schemas.js';

/** Enough for a busy ward round and a call centre's morning; an entry is a few kilobytes. */
const CAPACITY = 10_000;

export interface CachedFile {
  patientId: string;
  revision: number;
  /** The file clock's value when the revision was last found current. */
  clock: number;
  file: PatientFile;
}

/**
 * Built patient files, kept per connection and served while the patient's revision is unchanged. The revision is
 * raised by triggers on every table the file reads (migration 0007), so any writer, in this process or another,
 * makes the cached copy stale; a hit costs one read of the file clock (migration 0031), or of the revision when some
 * file has changed since, instead of eight queries and the decryption of the resident ID. A file differs by what
 * the reader may see and by the day (age), so those are part of the key. Cached files are shared between requests
 * and must not be changed by callers.
 */
export class PatientFileCache {
  private readonly entries = new Map<string, CachedFile>();

  constructor(private readonly capacity = CAPACITY) {}

  /** Whose copy of the file this is: a file differs by what the reader may see and by the day (age). */
  keyOf(actor: StaffActor, patientId: string, today: string): string {
    return `${patientId}\u0000${actor.role}\u0000${actor.departmentId ?? ''}\u0000${today}`;
  }

  /** The copy kept under `key` if it is still the stored file: first by the clock, then by its own revision. */
  current(db: Db, key: string): CachedFile | undefined {
    const cached = this.entries.get(key);
    if (!cached) return undefined;
    // The clock before the revision: a revision still the same after the clock was read was the same when it was.
    const reads = pointReadsOf(db);
    const clock = fileClock(reads);
    if (clock !== cached.clock) {
      if (fileRevision(reads, cached.patientId) !== cached.revision) return undefined;
      cached.clock = clock;
    }
    // Map keeps insertion order: re-inserting marks the entry as recently used for the eviction below.
    this.entries.delete(key);
    this.entries.set(key, cached);
    return cached;
  }

  /** Reads the clock, the revision and builds the file in one snapshot, so the copy kept always matches them. */
  build(db: Db, key: string, patientId: string, build: (tx: Tx) => PatientFile): CachedFile {
    return inReadSnapshot({ db }, (tx) => {
      const entry = { patientId, revision: fileRevision(tx, patientId), clock: fileClock(tx), file: build(tx) };
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
