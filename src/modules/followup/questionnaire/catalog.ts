import type { Questionnaire } from './fhir.js';
import { translated } from './fhir.js';

export interface CatalogEntry {
  /** The stored row's id: what `GET /api/questionnaires/:id` takes. */
  id: string;
  url: string;
  version: string;
  definition: Questionnaire;
  /** Whether this version's file is still in questionnaires/ (older versions stay to read old answers). */
  current: boolean;
}

/**
 * Every questionnaire version this hospital has loaded, in memory: definitions are read on every form view and
 * every submission. Built at start from the files and the stored versions (followup.catalog.ts) and immutable after.
 */
export class QuestionnaireCatalog {
  readonly #byId = new Map<string, CatalogEntry>();
  readonly #byKey = new Map<string, CatalogEntry>();

  constructor(entries: CatalogEntry[]) {
    for (const entry of entries) {
      this.#byId.set(entry.id, entry);
      this.#byKey.set(`${entry.url}|${entry.version}`, entry);
    }
  }

  byId(id: string): CatalogEntry | undefined {
    return this.#byId.get(id);
  }

  /** A version by url and version; without a version, the current file's version (else the highest stored). */
  find(url: string, version?: string): CatalogEntry | undefined {
    if (version !== undefined) return this.#byKey.get(`${url}|${version}`);
    const versions = this.all().filter((e) => e.url === url);
    return versions.find((e) => e.current) ?? versions.at(-1);
  }

  /** Sorted by url, then version (numeric-aware: 1.10 after 1.9). */
  all(): CatalogEntry[] {
    return [...this.#byId.values()].sort((a, b) => a.url.localeCompare(b.url) || a.version.localeCompare(b.version, 'en', { numeric: true }));
  }
}

export function titleOf(q: Questionnaire, lang: string): string {
  return translated(q.title ?? q.name ?? q.url, q._title, lang);
}
