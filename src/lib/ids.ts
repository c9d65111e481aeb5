import { webcrypto } from 'node:crypto';
import { V7Generator } from 'uuidv7';

/**
 * Random words for the ids, drawn from the system's cryptographic generator a kilobyte at a time: the library's
 * own buffer holds eight words, so every few ids (two per audited request) paid a call into the generator.
 */
const words = new Uint32Array(256);
let next = words.length;
const generator = new V7Generator({
  nextUint32: () => {
    if (next === words.length) {
      webcrypto.getRandomValues(words);
      next = 0;
    }
    return words[next++]!;
  },
});

/** Every primary key in HCRM: a UUIDv7, so ids sort by creation time. Source-system ids are identifiers, never keys. */
export function newId(): string {
  return generator.generate().toString();
}
