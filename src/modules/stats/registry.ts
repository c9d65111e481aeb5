import type { z } from 'zod';
import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import type { DayRange } from './periods.js';
import type { StatsFilter } from './stats.schemas.js';

/** What a metric's formula receives: the read snapshot, the resolved period and the filter after scoping. */
export interface MetricInput<Q> {
  tx: Tx;
  ctx: ServiceContext;
  range: DayRange;
  query: Q;
}

/** A table a page shows and exports as CSV: header labels by language, rows of plain values. */
export interface MetricTable {
  columns: string[];
  rows: (string | number | null)[][];
  /** What the page says above the table (as of when, from where); not exported. */
  caption?: string;
  /** Per row, where its first cell leads (the list behind it); not exported. */
  links?: (string | null)[];
}

/**
 * One figure, defined once: its query (zod: validation, type and OpenAPI), its result, its formula. The API route
 * `/api/stats/<id with / for .>`, the dashboard and the CSV export all run `compute`; nothing else computes it.
 * A metric that returns patients (`listsPatients`) is audited on every read.
 */
export interface MetricDefinition<Q extends z.ZodType<StatsFilter> = z.ZodType<StatsFilter>, R extends z.ZodType = z.ZodType> {
  id: string;
  summary: string;
  query: Q;
  result: R;
  listsPatients?: boolean;
  /**
   * 'department' (default): the formula honours `departmentId`, so a manager sees their department's figure.
   * 'hospital': the data has no department (messages, campaigns, opt-outs), so only administrators see it.
   */
  scope?: 'department' | 'hospital';
  compute(input: MetricInput<z.infer<Q>>): z.infer<R>;
}

/** The registry the stats module fills with its own metrics; other modules add theirs (appointments, feedback …). */
export class MetricRegistry {
  readonly #metrics = new Map<string, MetricDefinition>();

  register<Q extends z.ZodType<StatsFilter>, R extends z.ZodType>(metric: MetricDefinition<Q, R>): void {
    if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(metric.id)) throw new Error(`metric id ${metric.id} must be dotted lower-case words`);
    if (this.#metrics.has(metric.id)) throw new Error(`metric ${metric.id} is registered twice`);
    this.#metrics.set(metric.id, metric as unknown as MetricDefinition);
  }

  get(id: string): MetricDefinition | undefined {
    return this.#metrics.get(id);
  }

  all(): MetricDefinition[] {
    return [...this.#metrics.values()];
  }
}

export function metricPath(id: string): string {
  return `/api/stats/${id.replaceAll('.', '/')}`;
}
