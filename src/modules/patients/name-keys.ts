import { pinyin } from 'pinyin-pro';

/**
 * Search keys for a name: the name itself, full pinyin without tones (张三丰 → zhangsanfeng) and the initials
 * (zsf). Surnames use their surname readings (单 → shan, 欧阳 → ouyang). Latin names fold to lower case letters.
 */
export function nameSearchKeys(name: string): { pinyin: string; initials: string } {
  let keys = known.get(name);
  if (keys === undefined) {
    if (known.size >= KNOWN_LIMIT) known.clear();
    known.set(name, (keys = Object.freeze(computeKeys(name))));
  }
  return keys;
}

// Names repeat across a population (王伟, 张伟...), and pinyin conversion is most of the cost of writing a patient
// file in bulk: each distinct name is converted once. Bounded, so a stream of unique names cannot grow it.
const KNOWN_LIMIT = 50_000;
const known = new Map<string, { pinyin: string; initials: string }>();

function computeKeys(name: string): { pinyin: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
    .flatMap((part) => part.split(/\s+/))
    .map((part) => part.toLowerCase().replace(/[^a-z]/g, ''))
    .filter((part) => part.length > 0);
  return { pinyin: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}

/** What a typed query folds to before it is compared with the keys. */
export function normaliseNameQuery(query: string): string {
  return /^[\sA-Za-z]+$/.test(query) ? query.toLowerCase().replace(/\s+/g, '') : query.trim();
}
