/**
 * The two Fellegi–Sunter thresholds, in bits (sum of log2(m/u) weights): at or above `linkThreshold` a record
 * links to its best candidate automatically, at or above `reviewThreshold` it becomes a new person paired with
 * that candidate for a person to review, below it is a new person. Read from HCRM_MATCH_LINK_THRESHOLD and
 * HCRM_MATCH_REVIEW_THRESHOLD by src/config.ts.
 */
export interface MatchConfig {
  linkThreshold: number;
  reviewThreshold: number;
  /**
   * Blocks larger than this are skipped when looking for candidates: a key shared by that many people (王 born
   * in 1980) says little, and the other keys still find the duplicate. Keeps a million-person index fast.
   */
  maxBlockSize: number;
  /**
   * When a second person also reaches the link threshold within this many bits of the best, the record goes
   * to review: the index itself probably holds that person twice, and picking one would hide it.
   */
  ambiguityMargin: number;
}

export const DEFAULT_LINK_THRESHOLD = 20;
export const DEFAULT_REVIEW_THRESHOLD = 10;

export const DEFAULT_MATCH_CONFIG: MatchConfig = {
  linkThreshold: DEFAULT_LINK_THRESHOLD,
  reviewThreshold: DEFAULT_REVIEW_THRESHOLD,
  maxBlockSize: 1000,
  ambiguityMargin: 5,
};
