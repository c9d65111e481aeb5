/**
 * RFM from encounters, as of a day: recency (days since the last visit), frequency (visits in the 365 days before)
 * and spend (charges in those days). Fixed, stated thresholds rather than quantiles, so a segment means the same
 * thing next month and in another department:
 *   R: ≤ 90 days → 3, ≤ 365 → 2, else 1 · F: ≥ 4 visits → 3, ≥ 2 → 2, else 1 · M: ≥ ¥10,000 → 3, ≥ ¥2,000 → 2, else 1.
 */
export const RFM_SEGMENTS = ['champions', 'loyal', 'new', 'potential', 'at_risk', 'hibernating'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmInput {
  daysSinceLast: number;
  visitsInYear: number;
  spendCentsInYear: number;
}

export function rfmScores(p: RfmInput): { r: number; f: number; m: number } {
  return {
    r: p.daysSinceLast <= 90 ? 3 : p.daysSinceLast <= 365 ? 2 : 1,
    f: p.visitsInYear >= 4 ? 3 : p.visitsInYear >= 2 ? 2 : 1,
    m: p.spendCentsInYear >= 1_000_000 ? 3 : p.spendCentsInYear >= 200_000 ? 2 : 1,
  };
}

/**
 * champions: seen in the last 90 days and often (or spending much); loyal: recent and regular; new: a recent first
 * visit; at risk: came often (or spent much) this year but not in the last 90 days; potential: one visit 3–12 months
 * ago; hibernating: nothing for a year.
 */
export function rfmSegment(p: RfmInput): RfmSegment {
  const { r, f, m } = rfmScores(p);
  if (r === 3) return f === 3 || m === 3 ? 'champions' : f === 2 ? 'loyal' : 'new';
  if (r === 2) return f >= 2 || m === 3 ? 'at_risk' : 'potential';
  return 'hibernating';
}
