/**
 * A small strict HL7 v2 parser. Delimiters come from MSH-1 and MSH-2 of each message, never assumed; values are
 * unescaped only when read, with that message's own escape character. Segments may end in CR, LF or CRLF.
 * Z-segments and segments we do not use are kept and simply never read.
 */
export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export interface Segment {
  name: string;
  /** fields[n] is SEG-n as sent (escaped); for MSH, fields[1] is the field separator and fields[2] MSH-2. */
  fields: string[];
  /** 1-based segment number in the message, for error positions. */
  index: number;
}

export class Hl7Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HL7 location: `MSH-2`, `PID-7`, `segment 4`. */
    readonly where: string,
  ) {
    super(`${where}: ${message}`);
  }
}

export class Hl7Message {
  constructor(
    readonly segments: Segment[],
    readonly delimiters: Delimiters,
  ) {}

  segment(name: string): Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  all(name: string): Segment[] {
    return this.segments.filter((s) => s.name === name);
  }

  /** Raw repetitions of SEG-n. */
  repetitions(segment: Segment | undefined, field: number): string[] {
    const raw = segment?.fields[field];
    if (raw === undefined || raw === '') return [];
    if (segment!.name === 'MSH' && field <= 2) return [raw];
    return raw.split(this.delimiters.repetition);
  }

  /** SEG-n.c.s of one repetition, unescaped; '' when absent. `""` (the HL7 null) reads as ''. */
  component(repetition: string | undefined, component = 1, subcomponent = 1): string {
    if (!repetition) return '';
    const c = repetition.split(this.delimiters.component)[component - 1] ?? '';
    const s = c.split(this.delimiters.subcomponent)[subcomponent - 1] ?? '';
    return s === '""' ? '' : this.unescape(s);
  }

  /** First repetition of SEG-n, component c, sub-component s. */
  get(segment: Segment | undefined, field: number, component = 1, subcomponent = 1): string {
    return this.component(this.repetitions(segment, field)[0], component, subcomponent).trim();
  }

  unescape(value: string): string {
    const e = this.delimiters.escape;
    if (!value.includes(e)) return value;
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (ch !== e) {
        out += ch;
        continue;
      }
      const end = value.indexOf(e, i + 1);
      if (end < 0) {
        out += value.slice(i);
        break;
      }
      out += this.#escapeSequence(value.slice(i + 1, end)) ?? value.slice(i, end + 1);
      i = end;
    }
    return out;
  }

  #escapeSequence(seq: string): string | null {
    const d = this.delimiters;
    switch (seq) {
      case 'F':
        return d.field;
      case 'S':
        return d.component;
      case 'T':
        return d.subcomponent;
      case 'R':
        return d.repetition;
      case 'E':
        return d.escape;
      case '.br':
        return '\n';
      case 'H':
      case 'N':
        return '';
    }
    // \Xhh…\ carries raw bytes; they are read as UTF-8, the character set every decoded message is now in.
    if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) return Buffer.from(seq.slice(1), 'hex').toString('utf8');
    // Character-set switches (\C…\, \M…\) and formatting we do not render are dropped, not shown as codes.
    if (/^[CM][0-9A-Fa-f]+$/.test(seq) || /^\.(sp|in|ti|sk|ce|fi|nf)/.test(seq)) return '';
    return null;
  }
}

/** Parses one decoded message. Throws Hl7Error naming the segment or field that is wrong. */
export function parseHl7(text: string): Hl7Message {
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  const first = lines[0];
  if (!first?.startsWith('MSH')) throw new Hl7Error('hl7.no_msh', 'a message must begin with an MSH segment', 'segment 1');
  const field = first[3];
  if (!field || /[A-Za-z0-9\s]/.test(field)) throw new Hl7Error('hl7.bad_delimiters', 'MSH-1 must be one punctuation character', 'MSH-1');
  const encoding = first.slice(4).split(field, 1)[0] ?? '';
  const [component, repetition, escape, subcomponent] = encoding;
  const chars = [field, component, repetition, escape, subcomponent];
  if (encoding.length < 4 || encoding.length > 5 || chars.some((c) => !c || /[A-Za-z0-9\s]/.test(c)) || new Set(chars).size !== 5) {
    throw new Hl7Error('hl7.bad_delimiters', `MSH-2 must hold four distinct punctuation characters (got "${encoding}")`, 'MSH-2');
  }
  const delimiters: Delimiters = { field, component: component!, repetition: repetition!, escape: escape!, subcomponent: subcomponent! };
  const segments = lines.map((line, i): Segment => {
    const name = line.slice(0, 3);
    if (!/^[A-Z][A-Z0-9]{2}$/.test(name) || (line.length > 3 && line[3] !== field)) {
      throw new Hl7Error('hl7.bad_segment', `"${line.slice(0, 20)}" is not a segment`, `segment ${i + 1}`);
    }
    const parts = line.split(field);
    // MSH-1 is the separator itself, so MSH's pieces are shifted by one against every other segment's.
    const fields = name === 'MSH' ? ['MSH', field, ...parts.slice(1)] : parts;
    return { name, fields, index: i + 1 };
  });
  const message = new Hl7Message(segments, delimiters);
  const msh = segments[0]!;
  for (const [n, what] of [
    [9, 'the message type'],
    [10, 'the message control id'],
    [12, 'the version'],
  ] as const) {
    if (!message.get(msh, n)) throw new Hl7Error('hl7.missing_field', `${what} is required`, `MSH-${n}`);
  }
  const version = message.get(msh, 12);
  if (!/^2\.[3-8](\.\d+)?$/.test(version)) throw new Hl7Error('hl7.unsupported_version', `version ${version} is not 2.3 to 2.8`, 'MSH-12');
  return message;
}
