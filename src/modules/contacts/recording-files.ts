import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Audio types a recording may have, told apart by their first bytes, not by what the uploader claims. */
const SIGNATURES: { mediaType: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { mediaType: 'audio/wav', ext: 'wav', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WAVE' },
  { mediaType: 'audio/mpeg', ext: 'mp3', test: (b) => b.subarray(0, 3).toString('latin1') === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0) },
  { mediaType: 'audio/ogg', ext: 'ogg', test: (b) => b.subarray(0, 4).toString('latin1') === 'OggS' },
  { mediaType: 'audio/mp4', ext: 'm4a', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' },
  { mediaType: 'audio/webm', ext: 'webm', test: (b) => b.readUInt32BE(0) === 0x1a45dfa3 },
  { mediaType: 'audio/amr', ext: 'amr', test: (b) => b.subarray(0, 6).toString('latin1') === '#!AMR\n' },
];

/** Declared types that name the same format as a detected one. */
const ALIASES: Record<string, string> = { 'audio/x-wav': 'audio/wav', 'audio/wave': 'audio/wav', 'audio/mp3': 'audio/mpeg', 'audio/x-m4a': 'audio/mp4', 'audio/m4a': 'audio/mp4' };

export type Sniffed = { ok: true; mediaType: string; ext: string } | { ok: false; why: string };

export function sniffAudio(bytes: Buffer, declared: string): Sniffed {
  if (bytes.length < 12) return { ok: false, why: 'is too short to be an audio recording' };
  const found = SIGNATURES.find((s) => s.test(bytes));
  if (!found) return { ok: false, why: 'is not a recognised audio format (WAV, MP3, OGG, M4A, WebM, AMR)' };
  const claimed = declared.split(';')[0]!.trim().toLowerCase();
  if ((ALIASES[claimed] ?? claimed) !== found.mediaType) return { ok: false, why: `is labelled ${claimed} but its content is ${found.mediaType}` };
  return { ok: true, mediaType: found.mediaType, ext: found.ext };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes through a temporary name, so a reader never sees half a file; returns the path relative to the folder. */
export function storeRecording(folder: string, id: string, ext: string, bytes: Buffer, day: string): string {
  const file = join(day.slice(0, 4), day.slice(5, 7), `${id}.${ext}`);
  const path = join(folder, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.part`, bytes, { flag: 'wx' });
  renameSync(`${path}.part`, path);
  return file;
}

export function recordingPath(folder: string, file: string): string {
  const path = resolve(folder, file);
  if (relative(resolve(folder), path).startsWith('..')) throw new Error('recording path outside the recordings folder');
  return path;
}

export function removeRecording(folder: string, file: string): void {
  rmSync(recordingPath(folder, file), { force: true });
}
