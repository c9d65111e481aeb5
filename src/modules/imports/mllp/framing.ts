/**
 * MLLP framing: each message travels as 0x0B <message> 0x1C 0x0D. A reader collects bytes across packets and
 * yields whole frames; bytes outside a frame and frames cut short by a new start are reported, never parsed.
 */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export function frame(payload: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8'), Buffer.from([FS, CR])]);
}

/** `overflow`: a frame past the limit, dropped; `head` holds its first bytes, enough to read its MSH and answer it. */
export type FrameEvent = { kind: 'frame'; payload: Buffer } | { kind: 'junk'; bytes: number } | { kind: 'overflow'; head: Buffer };

const HEAD_BYTES = 4096;

export class FrameReader {
  #buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  /** Whether a frame has begun and not ended: what a client that disconnects now leaves behind. */
  get pending(): boolean {
    return this.#buffer.length > 0;
  }

  push(chunk: Buffer): FrameEvent[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const events: FrameEvent[] = [];
    for (;;) {
      const start = this.#buffer.indexOf(VT);
      if (start < 0) {
        if (hasContent(this.#buffer)) events.push({ kind: 'junk', bytes: this.#buffer.length });
        this.#buffer = Buffer.alloc(0);
        break;
      }
      if (start > 0 && hasContent(this.#buffer.subarray(0, start))) events.push({ kind: 'junk', bytes: start });
      const end = this.#buffer.indexOf(FS, start + 1);
      const restart = this.#buffer.indexOf(VT, start + 1);
      if (restart >= 0 && (end < 0 || restart < end)) {
        // A frame that never ended before the next one began is dropped whole.
        events.push({ kind: 'junk', bytes: restart - start });
        this.#buffer = this.#buffer.subarray(restart);
        continue;
      }
      if (end < 0) {
        this.#buffer = this.#buffer.subarray(start);
        if (this.#buffer.length > this.maxFrameBytes) {
          events.push({ kind: 'overflow', head: Buffer.from(this.#buffer.subarray(1, 1 + HEAD_BYTES)) });
          this.#buffer = Buffer.alloc(0);
        }
        break;
      }
      // A whole frame past the limit that arrived at once is refused the same way.
      if (end - start - 1 > this.maxFrameBytes) events.push({ kind: 'overflow', head: Buffer.from(this.#buffer.subarray(start + 1, Math.min(end, start + 1 + HEAD_BYTES))) });
      else events.push({ kind: 'frame', payload: Buffer.from(this.#buffer.subarray(start + 1, end)) });
      this.#buffer = this.#buffer.subarray(this.#buffer[end + 1] === CR ? end + 2 : end + 1);
    }
    return events;
  }
}

function hasContent(bytes: Buffer): boolean {
  return bytes.some((b) => b !== CR && b !== 0x0a && b !== 0x20);
}
