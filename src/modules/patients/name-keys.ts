import { pinyin } from 'pinyin-pro';

/**
 * Search keys for a name: the name itself, full pinyin without tones (张三丰 → zhangsanfeng) and the initials
 * (zsf). Surnames use their surname readings (单 → shan, 欧阳 → ouyang). Latin names fold to lower case letters.
 */
export function nameSearchKeys(name: string): { pinyin: string; initials: string } {
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
