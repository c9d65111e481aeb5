/**
 * The statistics' arithmetic, written once. Every rate carries its numerator, its denominator and the name of the
 * denominator (who was counted), so a page can never show 80 % without saying "of whom".
 */

/** Who a rate's denominator counts. */
export const DENOMINATORS = ['eligible', 'attempted', 'reached', 'responded'] as const;
export type DenominatorName = (typeof DENOMINATORS)[number];

export interface Interval {
  low: number;
  high: number;
  method: 'wilson' | 't' | 'normal';
}

export interface Rate {
  /** numerator / denominator, null when the denominator is 0 (no data is not 0 %). */
  value: number | null;
  numerator: number;
  denominator: number;
  denominatorName: DenominatorName;
  ci: Interval | null;
}

export interface Mean {
  value: number | null;
  n: number;
  ci: Interval | null;
}

export interface Nps {
  /** −100 … 100; null without answers. */
  value: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  n: number;
  ci: Interval | null;
}

const Z95 = 1.959963984540054;

/** A proportion with its 95 % Wilson score interval: honest at 0 %, 100 % and small n, where the normal one is not. */
export function rate(numerator: number, denominator: number, denominatorName: DenominatorName): Rate {
  if (denominator <= 0) return { value: null, numerator, denominator, denominatorName, ci: null };
  const p = numerator / denominator;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * denominator)) / (1 + z2 / denominator);
  const half = (Z95 / (1 + z2 / denominator)) * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator));
  return { value: p, numerator, denominator, denominatorName, ci: { low: Math.max(0, centre - half), high: Math.min(1, centre + half), method: 'wilson' } };
}

// Two-sided 97.5 % quantiles of Student's t for 1…30 degrees of freedom; beyond 30 the table's steps are used.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (df <= 30) return T975[df - 1]!;
  if (df <= 40) return 2.021;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return Z95;
}

/** A mean from its sums with a 95 % t interval (sample standard deviation); one answer has a mean but no interval. */
export function mean(n: number, sum: number, sumSq: number): Mean {
  if (n <= 0) return { value: null, n: 0, ci: null };
  const m = sum / n;
  if (n === 1) return { value: m, n, ci: null };
  const variance = Math.max(0, (sumSq - n * m * m) / (n - 1));
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { value: m, n, ci: { low: m - half, high: m + half, method: 't' } };
}

/**
 * Net promoter score with a 95 % normal interval from the trinomial variance:
 * Var(NPS) = (p₊ + p₋ − (p₊ − p₋)²) / n, in points (×100).
 */
export function nps(promoters: number, passives: number, detractors: number): Nps {
  const n = promoters + passives + detractors;
  if (n === 0) return { value: null, promoters, passives, detractors, n, ci: null };
  const pPlus = promoters / n;
  const pMinus = detractors / n;
  const score = (pPlus - pMinus) * 100;
  const half = n > 1 ? Z95 * Math.sqrt((pPlus + pMinus - (pPlus - pMinus) ** 2) / n) * 100 : null;
  return { value: score, promoters, passives, detractors, n, ci: half === null ? null : { low: Math.max(-100, score - half), high: Math.min(100, score + half), method: 'normal' } };
}

/** Overall satisfaction is asked on 1–5; 4 (satisfied) and 5 (very satisfied) count as satisfied. */
export const SATISFIED_AT = 4;

/** Change against the previous period: absolute difference, null when either side has no value. */
export function change(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

/** The median of a list (mean of the middle two for an even count); null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The same median from a histogram of (value, count) pairs, so large periods need not fetch every value. */
export function medianOfCounts(counts: readonly (readonly [number, number])[]): number | null {
  const sorted = counts.filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((acc, [, n]) => acc + n, 0);
  if (total === 0) return null;
  const at = (rank: number) => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (rank < seen) return value;
    }
    return sorted[sorted.length - 1]![0];
  };
  const mid = total >> 1;
  return total % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

/** Histograms of (value → count) added into one, as pairs for medianOfCounts. */
export function mergedCounts(histograms: readonly ReadonlyMap<number, number>[]): [number, number][] {
  if (histograms.length === 1) return [...histograms[0]!];
  const merged = new Map<number, number>();
  for (const histogram of histograms) for (const [value, n] of histogram) merged.set(value, (merged.get(value) ?? 0) + n);
  return [...merged];
}

/** Cells in groups by key, in first-seen order; lists are pushed in place (a year may hold a cell per case). */
export function groupBy<C>(cells: readonly C[], keyOf: (c: C) => string): Map<string, C[]> {
  const groups = new Map<string, C[]>();
  for (const c of cells) {
    const list = groups.get(keyOf(c));
    if (list) list.push(c);
    else groups.set(keyOf(c), [c]);
  }
  return groups;
}

/** The named counts added up over cells: rollup rows and live groups are additive. */
export function sumOf<K extends string>(cells: readonly Readonly<Record<K, number>>[], keys: readonly K[]): Record<K, number> {
  const total = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const c of cells) for (const k of keys) total[k] += c[k];
  return total;
}

/** A histogram of (value, weight) over cells for medianOfCounts; cells without a value are left out. */
export function countsBy<C>(cells: readonly C[], valueOf: (c: C) => number | null, weightOf: (c: C) => number): [number, number][] {
  const counts = new Map<number, number>();
  for (const c of cells) {
    const value = valueOf(c);
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + weightOf(c));
  }
  return [...counts];
}
