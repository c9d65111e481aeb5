import { describeIssues, ImportRecord, type Mapped } from '../../canonical.js';
import { CharsetError, decodeMessage, splitMessages } from './decode.js';
import { mapHl7, type Hl7MapOptions } from './mapper.js';
import { Hl7Error, parseHl7 } from './parser.js';

/** Bytes holding one or more HL7 messages → one canonical record or one rejection per message. */
export function* adaptHl7(bytes: Buffer, options: Hl7MapOptions): Generator<Mapped> {
  for (const part of splitMessages(bytes)) yield adaptHl7Message(part.bytes, options, part.index === 0 ? 'before the first MSH' : `message ${part.index}`);
}

export function adaptHl7Message(bytes: Buffer, options: Hl7MapOptions, position: string): Mapped {
  let text = bytes.toString('latin1');
  let key: string | null = null;
  try {
    text = decodeMessage(bytes).text;
    const message = parseHl7(text);
    key = message.get(message.segment('MSH'), 10) || null;
    const record = ImportRecord.safeParse(mapHl7(message, options, position));
    if (!record.success) return reject(key, position, text, 'hl7.invalid', describeIssues(record.error));
    return { ok: true, record: record.data, raw: text };
  } catch (error) {
    if (error instanceof Hl7Error) return reject(key, position, text, error.code, error.message);
    if (error instanceof CharsetError) return reject(key, position, text, 'hl7.unknown_charset', `MSH-18: ${error.message}`);
    throw error;
  }
}

function reject(key: string | null, position: string, raw: string, code: string, reason: string): Mapped {
  return { ok: false, rejected: { key, position, raw: raw.replace(/\r\n|\r|\n/g, '\r'), code, reason } };
}
