import { IndexPermutation, addYears, dateOfDay, dayNumber } from './random.js';

/**
 * Birth dates and resident-ID sequence numbers that never collide. A resident ID is unique only through
 * (region, birth date, 3-digit sequence); drawing those at random would repeat hundreds of IDs in a million
 * patients. Instead every patient index is scrambled into a distinct rank, ranks are laid out day by day in
 * proportion to the age distribution, and a rank's position within its day becomes the sequence number. Two
 * patients therefore never share birth date and sequence, whatever their regions, without any memory of the run.
 */
export interface BirthSlot { birthDate: string; birthDay: number; sequence: number }

export class BirthSlots {
  /** 2^24 ranks keep every day's share under 998 sequence numbers for any plausible age distribution. */
  readonly capacity = 2 ** 24;
  private readonly firstDay: number;
  private readonly starts: Float64Array;
  private readonly permutation: IndexPermutation;

  /** bands: [minAge, maxAge, relative weight], ages as of `today`. */
  constructor(today: string, bands: readonly (readonly [number, number, number])[], seed: number) {
    const oldest = Math.max(...bands.map(([, maxAge]) => maxAge));
    const lastDay = dayNumber(today) - 1;
    this.firstDay = dayNumber(addYears(today, -(oldest + 1))) + 1;
    const days = lastDay - this.firstDay + 1;
    const weights = new Float64Array(days);
    for (const [minAge, maxAge, weight] of bands) {
      const from = Math.max(this.firstDay, dayNumber(addYears(today, -(maxAge + 1))) + 1);
      const to = Math.min(lastDay, dayNumber(addYears(today, -minAge)));
      for (let day = from; day <= to; day++) weights[day - this.firstDay]! += weight / (to - from + 1);
    }
    const total = weights.reduce((sum, w) => sum + w, 0);
    this.starts = new Float64Array(days + 1);
    let cumulative = 0;
    for (let i = 0; i < days; i++) {
      cumulative += weights[i]!;
      this.starts[i + 1] = i + 1 === days ? this.capacity : Math.round((this.capacity * cumulative) / total);
      if (this.starts[i + 1]! - this.starts[i]! > 998) throw new Error('age distribution too peaked for unique resident IDs');
    }
    this.permutation = new IndexPermutation(this.capacity, seed ^ 0x5eed_b1);
  }

  /** The birth date and resident-ID sequence (001–998; odd for men, even for women) of patient `index`. */
  slot(index: number): BirthSlot {
    const rank = this.permutation.apply(index);
    let lo = 0;
    let hi = this.starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= rank) lo = mid;
      else hi = mid - 1;
    }
    const start = this.starts[lo]!;
    const size = this.starts[lo + 1]! - start;
    const offset = rank - start;
    // Spread the day's ranks over the whole 001–998 range in odd/even pairs, keeping the mapping one-to-one.
    const pair = Math.floor((Math.floor(offset / 2) * 499) / Math.ceil(size / 2));
    const birthDay = this.firstDay + lo;
    return { birthDate: dateOfDay(birthDay), birthDay, sequence: 2 * pair + 1 + (offset % 2) };
  }
}
