/** Memos the candidate digests keep for one incoming record at a time (see CandidateDigests). */

/**
 * Slots of the per-record memos of name parts and place names, by number modulo the size: two numbers on one slot
 * only cost a comparison again.
 */
export const MEMO_SIZE = 4096;

/** For a candidate's name part by number: its agreement rank with the record's part in the same role, and crossed. */
export class PartMemo {
  readonly id: Int32Array;
  readonly mark: Int32Array;
  readonly straight: Int8Array;
  readonly crossed: Int8Array;

  constructor(size: number) {
    this.id = new Int32Array(size).fill(-1);
    this.mark = new Int32Array(size);
    this.straight = new Int8Array(size);
    this.crossed = new Int8Array(size);
  }

  set(slot: number, id: number, mark: number, straight: number, crossed: number): void {
    this.id[slot] = id;
    this.mark[slot] = mark;
    this.straight[slot] = straight;
    this.crossed[slot] = crossed;
  }
}

/** For a candidate's place name by number: its weight against the record's. */
export class PlaceMemo {
  readonly id: Int32Array;
  readonly mark: Int32Array;
  readonly weight: Float64Array;

  constructor(size: number) {
    this.id = new Int32Array(size).fill(-1);
    this.mark = new Int32Array(size);
    this.weight = new Float64Array(size);
  }

  set(slot: number, id: number, mark: number, weight: number): void {
    this.id[slot] = id;
    this.mark[slot] = mark;
    this.weight[slot] = weight;
  }
}
