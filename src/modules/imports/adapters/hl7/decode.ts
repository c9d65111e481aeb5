import iconv from 'iconv-lite';

/**
 * Splits a byte stream into HL7 messages and decodes each with the character set its MSH-18 names. Bytes are
 * first read as latin1, which keeps one character per byte, so segment and message boundaries are found at the
 * right byte offsets whatever the encoding; CR and LF never occur inside a GB18030 or UTF-8 character.
 */
export interface RawMessage {
  /** 1-based position in the input. */
  index: number;
  text: string;
  charset: string;
}

export class CharsetError extends Error {
  constructor(readonly charset: string) {
    super(`MSH-18 names the character set "${charset}", which this interface does not read`);
  }
}

// HL7 table 0211 names, plus the spellings Chinese interface engines send.
const CHARSETS: Record<string, string> = {
  '': 'utf8',
  ASCII: 'ascii',
  'UNICODE UTF-8': 'utf8',
  'UTF-8': 'utf8',
  UTF8: 'utf8',
  'UNICODE': 'utf8',
  '8859/1': 'latin1',
  GB18030: 'gb18030',
  'GB 18030-2000': 'gb18030',
  'GB 2312': 'gbk',
  GB2312: 'gbk',
  GBK: 'gbk',
};

export function splitMessages(bytes: Buffer): { index: number; bytes: Buffer }[] {
  const latin = bytes.toString('latin1');
  const starts: number[] = [];
  const re = /(?:^|[\r\n])(?=MSH)/g;
  for (let m = re.exec(latin); m; m = re.exec(latin)) {
    starts.push(m.index === 0 && latin.startsWith('MSH') ? 0 : m.index + 1);
    re.lastIndex = m.index + 1;
  }
  if (starts.length === 0) return latin.trim() === '' ? [] : [{ index: 1, bytes }];
  const parts: { index: number; bytes: Buffer }[] = [];
  // Anything before the first MSH is not a message; it is reported rather than dropped.
  if (starts[0]! > 0 && latin.slice(0, starts[0]).trim() !== '') parts.push({ index: 0, bytes: bytes.subarray(0, starts[0]) });
  starts.forEach((start, i) => parts.push({ index: i + 1, bytes: bytes.subarray(start, starts[i + 1] ?? bytes.length) }));
  return parts;
}

/** The character set MSH-18 names (its first component), read from the MSH segment's ASCII bytes. */
export function charsetOf(bytes: Buffer): string {
  const latin = bytes.toString('latin1');
  if (!latin.startsWith('MSH') || latin.length < 8) return '';
  const fieldSep = latin[3]!;
  const componentSep = latin[4]!;
  const msh = latin.split(/[\r\n]/, 1)[0]!;
  // MSH-1 is the separator itself, so MSH-18 is the 17th piece after "MSH".
  const field = msh.split(fieldSep)[17] ?? '';
  return field.split(componentSep)[0]!.trim().toUpperCase();
}

export function decodeMessage(bytes: Buffer): { text: string; charset: string } {
  const charset = charsetOf(bytes);
  const encoding = CHARSETS[charset] ?? (iconv.encodingExists(charset) ? charset : undefined);
  if (!encoding) throw new CharsetError(charset);
  return { text: iconv.decode(bytes, encoding), charset: encoding };
}
