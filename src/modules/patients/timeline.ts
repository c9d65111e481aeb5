import type { Tx } from '../../../db/client.js';
import type { TimelineEntry } from './patients.schemas.js';

/**
 * Everything that happened with a patient comes from providers, one per module that has something to say
 * (encounters here; appointments, follow-ups, messages, contacts and feedback later), so a new module adds its
 * entries by registering a provider at start, without touching the patients module.
 */
export interface TimelineProvider {
  kind: string;
  /**
   * Entries strictly before `query.before` (at, id), newest first, at most `query.limit`; without clinical
   * access a provider leaves out its clinical entries itself, so pages stay full.
   */
  entries(tx: Tx, patientId: string, query: TimelineQuery): TimelineEntry[];
}

export interface TimelineQuery {
  before: [string, string] | undefined;
  limit: number;
  clinical: boolean;
}

export class TimelineRegistry {
  readonly #providers = new Map<string, TimelineProvider>();

  register(provider: TimelineProvider): void {
    if (this.#providers.has(provider.kind)) throw new Error(`timeline provider "${provider.kind}" registered twice`);
    this.#providers.set(provider.kind, provider);
  }

  kinds(): string[] {
    return [...this.#providers.keys()];
  }

  /** Merges every provider's newest entries into one page (plus one, to tell whether more follow). */
  collect(tx: Tx, patientId: string, query: TimelineQuery & { kind?: string | undefined }): TimelineEntry[] {
    const merged: TimelineEntry[] = [];
    for (const provider of this.#providers.values()) {
      if (query.kind && provider.kind !== query.kind) continue;
      merged.push(...provider.entries(tx, patientId, { ...query, limit: query.limit + 1 }));
    }
    merged.sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
    return merged.slice(0, query.limit + 1);
  }
}
