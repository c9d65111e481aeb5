import { newId } from '../../../../lib/ids.js';

/**
 * An HL7 acknowledgement for MLLP: AA once the message is committed, AE with an ERR segment when it could not be
 * applied, AR when it was refused unread. It answers in the sender's version with standard delimiters.
 */
export interface AckInput {
  code: 'AA' | 'AE' | 'AR';
  controlId: string;
  version: string;
  sendingApp: string;
  receivingApp: string;
  now: Date;
  error?: { code: string; text: string; where?: string };
}

export function buildAck(a: AckInput): string {
  const ts = a.now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const clean = (s: string) => s.replace(/[|^~\\&\r\n]/g, ' ').slice(0, 200);
  const segments = [
    `MSH|^~\\&|HCRM||${clean(a.sendingApp)}||${ts}||ACK|${newId()}|P|${clean(a.version) || '2.5'}`,
    `MSA|${a.code}|${clean(a.controlId)}${a.error ? `|${clean(a.error.text)}` : ''}`,
  ];
  // ERR-3 (v2.5+): HL7 error code 207 application error / 200 unsupported; ERR-4 severity; ERR-8 user message.
  if (a.error) segments.push(`ERR||${clean(a.error.where ?? '')}|${a.code === 'AR' ? '200' : '207'}^${clean(a.error.code)}^HL70357|E||||${clean(a.error.text)}`);
  return `${segments.join('\r')}\r`;
}
