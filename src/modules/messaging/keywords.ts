/**
 * Inbound SMS keywords. Whole-message matches only, case-insensitive, ignoring surrounding spaces and end
 * punctuation, as carriers and Twilio match them; anything longer that merely mentions stopping is not an opt-out
 * we may assume, so it goes to a person ("Stop. Thank you", "请不要再发了").
 */
const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', '退订', 'TD', 'T']);
const OPT_IN = new Set(['START', 'YES', 'UNSTOP']);
const HELP = new Set(['HELP', 'INFO']);
const NEAR_MISS = [/\b(stop|unsubscribe|cancel|quit|opt[\s-]?out|remove me|no more)\b/i, /退订|退定|不要再发|别再发|不要发|别发|停止|拒收|取消订阅|不再接收|骚扰/];

export type InboundKind = 'opt_out' | 'opt_in' | 'help' | 'review' | 'other';

export function classifyInbound(body: string): InboundKind {
  const word = body.trim().replace(/[\s.!。！?？,，]+$/u, '').toUpperCase();
  if (OPT_OUT.has(word)) return 'opt_out';
  if (OPT_IN.has(word)) return 'opt_in';
  if (HELP.has(word)) return 'help';
  return NEAR_MISS.some((pattern) => pattern.test(body)) ? 'review' : 'other';
}
