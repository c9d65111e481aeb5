/**
 * A Chinese record-linkage set made the way FEBRL makes its sets: originals from the demo-hospital generator
 * (realistic surnames, Beijing-heavy addresses, valid resident IDs and mobiles), then duplicates as a second
 * system would have typed them, each with one to four of: a homophone or similar-sounding character in the
 * surname or given name (张/章, 王/汪, 李/黎, 陈/程), the name in pinyin instead of characters (sometimes
 * given name first), two swapped digits or one wrong digit in the phone or birth date, day and month swapped,
 * and missing fields. Twins (same surname, birth date, address and family phone; another given name and their
 * own resident ID) are mixed in as separate people, to catch an engine that links too eagerly. The truth is in
 * `entity`. Deterministic: the same options always give the same set.
 */
import { pinyin } from 'pinyin-pro';
import { generateDepartments, generateDoctors, generatePatients } from '../../src/demo/generator.js';
import type { DemoPatientFile } from '../../src/demo/generator.js';
import { Random } from '../../src/demo/random.js';
import type { LabelledRecord } from '../../src/modules/identity/evaluation.js';
import type { MatchRecord } from '../../src/modules/identity/identity.schemas.js';
import { residentIdCheckChar } from '../../src/modules/patients/resident-id.js';

export interface ChineseSetOptions {
  seed?: number;
  originals?: number;
  /** Share of originals that get duplicates (each gets 1–3). */
  duplicateShare?: number;
  /** Share of originals that get a twin. */
  twinShare?: number;
}

// Surnames that sound alike or are confused at the desk; each maps to what a clerk might type instead.
const SURNAME_VARIANTS: Record<string, string[]> = {
  张: ['章'], 章: ['张'], 王: ['汪'], 汪: ['王'], 李: ['黎', '理'], 黎: ['李'], 陈: ['程', '岑'], 程: ['陈'], 刘: ['柳'], 杨: ['阳', '羊'],
  吴: ['武', '伍'], 武: ['吴'], 周: ['邹', '舟'], 邹: ['周'], 徐: ['许'], 许: ['徐'], 孙: ['荪'], 朱: ['诸', '祝'], 胡: ['湖', '扈'], 林: ['琳', '凌'],
  何: ['贺', '和'], 贺: ['何'], 郑: ['正'], 肖: ['萧'], 沈: ['申', '审'], 韩: ['寒'], 曹: ['操'], 蒋: ['姜', '江'], 姜: ['蒋', '江'], 江: ['姜'],
  于: ['余', '俞'], 余: ['于'], 叶: ['业'], 董: ['东'], 冯: ['峰'], 邓: ['登'], 曾: ['增'], 彭: ['鹏'], 潘: ['盘'], 田: ['甜'], 蔡: ['才'],
  钟: ['仲'], 黄: ['皇'], 赵: ['照'], 马: ['玛'], 郭: ['国'], 高: ['郜'], 罗: ['骆'], 梁: ['良'], 谢: ['解'], 宋: ['送'], 唐: ['汤'], 杜: ['渡'],
  苏: ['素'], 魏: ['卫'], 丁: ['定'], 任: ['仁'], 姚: ['尧'], 卢: ['芦', '陆'], 陆: ['卢'], 崔: ['翠'], 谭: ['覃'], 范: ['樊'], 金: ['靳'],
  石: ['时'], 廖: ['了'], 贾: ['价'], 夏: ['下'], 韦: ['魏'], 付: ['傅', '符'], 方: ['芳'], 白: ['柏'], 孟: ['梦'], 熊: ['雄'], 秦: ['勤'],
  邱: ['丘', '秋'], 尹: ['殷'], 薛: ['雪'], 闫: ['阎', '严'], 段: ['端'], 雷: ['蕾'], 侯: ['候'], 龙: ['隆'], 史: ['施'], 陶: ['桃'], 顾: ['古'],
  毛: ['茅'], 郝: ['好'], 龚: ['宫'], 邵: ['绍'], 万: ['完'], 钱: ['前'], 严: ['颜', '阎'], 戴: ['代'], 莫: ['墨'],
};

// Given-name characters and the homophones a clerk hearing the name would write.
const GIVEN_VARIANTS: Record<string, string[]> = {
  伟: ['玮', '炜'], 强: ['蔷'], 磊: ['蕾'], 军: ['君', '俊'], 洋: ['阳'], 勇: ['永'], 杰: ['洁', '捷'], 涛: ['韬'], 明: ['铭', '鸣'], 超: ['朝'],
  刚: ['钢'], 平: ['萍'], 辉: ['晖', '慧'], 鹏: ['朋'], 华: ['桦'], 飞: ['菲'], 鑫: ['欣', '新'], 波: ['博'], 斌: ['彬'], 宇: ['雨', '羽'],
  浩: ['昊', '皓'], 凯: ['楷'], 健: ['建'], 俊: ['峻', '骏'], 帆: ['凡'], 旭: ['煦'], 宁: ['凝'], 龙: ['隆'], 林: ['琳', '霖'], 阳: ['洋'],
  建: ['健'], 国: ['帼'], 志: ['智'], 海: ['嗨'], 文: ['雯'], 东: ['冬'], 峰: ['锋'], 成: ['诚'], 博: ['波'], 晨: ['辰'], 睿: ['瑞'], 轩: ['萱'],
  子: ['梓', '紫'], 天: ['添'], 昊: ['浩'], 然: ['冉'], 泽: ['择'], 宏: ['红', '鸿'], 毅: ['艺', '义'], 诚: ['成'], 振: ['震'], 立: ['丽'],
  德: ['得'], 荣: ['蓉'], 永: ['勇'], 庆: ['青'], 福: ['富'], 生: ['升'], 金: ['锦'], 山: ['珊'], 松: ['嵩'], 亮: ['靓'], 兵: ['斌'], 卫: ['伟'],
  民: ['敏'], 芳: ['方', '昉'], 娜: ['纳'], 敏: ['民'], 静: ['婧', '晶'], 丽: ['莉', '俐'], 艳: ['燕', '彦'], 娟: ['鹃'], 霞: ['夏'], 秀: ['绣'],
  玲: ['铃', '琳'], 桂: ['贵'], 英: ['瑛', '莹'], 燕: ['艳'], 萍: ['平'], 红: ['宏', '虹'], 琳: ['林', '玲'], 雪: ['学'], 慧: ['惠', '蕙'],
  婷: ['亭', '停'], 颖: ['莹', '影'], 佳: ['嘉', '家'], 倩: ['茜'], 梅: ['媚'], 兰: ['岚', '蓝'], 洁: ['杰'], 琴: ['芹'], 云: ['芸', '韵'],
  莉: ['丽'], 欣: ['馨', '新'], 怡: ['仪', '宜'], 晶: ['静', '菁'], 露: ['璐'], 瑶: ['遥'], 雨: ['宇', '语'], 彤: ['桐', '童'], 萱: ['轩'],
  涵: ['函', '晗'], 梓: ['子'], 诗: ['师'], 悦: ['月', '越'], 思: ['斯'], 美: ['梅'], 凤: ['风'], 玉: ['钰', '育'], 珍: ['贞'], 菲: ['飞'],
  薇: ['微', '伟'], 琪: ['琦', '奇'], 婉: ['宛'], 雅: ['亚'], 淑: ['书'], 蕾: ['磊'], 璐: ['露'], 月: ['悦'], 秋: ['邱'], 冰: ['兵'], 清: ['青'],
  晓: ['小', '筱'], 嘉: ['佳'], 家: ['佳'], 春: ['纯'], 新: ['欣'], 安: ['岸'], 一: ['依', '怡'], 可: ['珂'], 心: ['欣'], 乐: ['勒'],
};

export function chineseSet(options: ChineseSetOptions = {}): LabelledRecord[] {
  const { seed = 20261123, originals = 2000, duplicateShare = 0.5, twinShare = 0.02 } = options;
  const rng = new Random(seed, 0x1d);
  const departments = generateDepartments();
  const people = generatePatients({ seed, count: originals, today: '2026-01-01', departments, doctors: generateDoctors(departments, seed), yearsOfHistory: 0 });
  const out: LabelledRecord[] = [];
  let entity = 0;
  let emrNumber = 0;
  for (const { patient } of people) {
    const id = String(++entity);
    out.push({ entity: id, record: original(patient) });
    if (rng.chance(duplicateShare)) {
      const copies = rng.chance(0.7) ? 1 : rng.int(2, 3);
      for (let k = 0; k < copies; k++) out.push({ entity: id, record: duplicate(rng, patient, `EMR${String(++emrNumber).padStart(7, '0')}`) });
    }
    if (rng.chance(twinShare)) out.push({ entity: String(++entity), record: original(twinOf(rng, patient)) });
  }
  // FEBRL files are not in entity order either: shuffle, so originals do not always arrive first.
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function original(p: DemoPatientFile): MatchRecord {
  return {
    source: 'his',
    name: { full: p.name },
    birthDate: p.birthDate,
    gender: p.gender === 'male' || p.gender === 'female' ? p.gender : undefined,
    phone: p.phone,
    residentId: p.residentId,
    address: { region: p.address.province, city: p.address.city, locality: p.address.district, street: p.address.detail },
    identifiers: p.identifiers.filter((i) => i.system === 'his-mrn'),
  };
}

type Corruption = (rng: Random, r: MatchRecord & { name: { family?: string; given?: string; full?: string } }) => boolean;

const CORRUPTIONS: readonly Corruption[] = [
  // A homophone in the surname.
  (rng, r) => {
    const { family, given } = hanParts(r);
    const variants = family === undefined ? undefined : SURNAME_VARIANTS[family];
    if (!variants) return false;
    r.name = { family: rng.pick(variants), given };
    return true;
  },
  // A homophone in the given name.
  (rng, r) => {
    const { family, given } = hanParts(r);
    if (family === undefined || given === undefined) return false;
    const positions = [...given].map((ch, i) => [ch, i] as const).filter(([ch]) => GIVEN_VARIANTS[ch] !== undefined);
    if (positions.length === 0) return false;
    const [ch, i] = rng.pick(positions);
    const chars = [...given];
    chars[i] = rng.pick(GIVEN_VARIANTS[ch]!);
    r.name = { family, given: chars.join('') };
    return true;
  },
  // The name in pinyin, as on a form filled in by a foreign-language system or a phone app.
  (rng, r) => {
    const { family, given } = hanParts(r);
    if (family === undefined || given === undefined) return false;
    const fam = capitalise(pinyin(family, { toneType: 'none', surname: 'all', type: 'array' }).join(''));
    const giv = capitalise(pinyin(given, { toneType: 'none', type: 'array' }).join(''));
    const style = rng.int(0, 2);
    r.name = style === 0 ? { family: fam, given: giv } : style === 1 ? { full: `${fam.toUpperCase()} ${giv}` } : { family: giv, given: fam };
    return true;
  },
  (rng, r) => swapOrMistype(rng, r, 'phone', 3),
  (rng, r) => {
    if (r.birthDate === undefined) return false;
    const [y, m, d] = r.birthDate.split('-') as [string, string, string];
    if (rng.chance(0.3) && Number(d) <= 12 && m !== d) r.birthDate = `${y}-${d}-${m}`;
    else swapOrMistype(rng, r, 'birthDate', 2);
    return true;
  },
  (rng, r) => dropField(rng, r, ['phone', 'birthDate', 'gender', 'address']),
  (_rng, r) => {
    if (!r.address?.locality) return false;
    r.address = { ...r.address, locality: undefined, street: r.address.street?.replace(/\d+号楼.*$/, '') };
    return true;
  },
];

function duplicate(rng: Random, p: DemoPatientFile, emr: string): MatchRecord {
  const r = { ...original(p), source: 'emr', identifiers: [{ system: 'emr-no', value: emr }] } as MatchRecord & { name: { full?: string; family?: string; given?: string } };
  // A second system often lacks the resident ID; when it has one, it may carry a keying error.
  if (rng.chance(0.7)) r.residentId = undefined;
  else if (rng.chance(0.2)) swapOrMistype(rng, r, 'residentId', 6);
  // As FEBRL does: one to four modifications per record, at most one of each kind.
  const modifications = rng.int(1, 4);
  const kinds = [...CORRUPTIONS];
  for (let done = 0; done < modifications && kinds.length > 0; ) {
    const [corrupt] = kinds.splice(rng.int(0, kinds.length - 1), 1);
    if (corrupt!(rng, r)) done++;
  }
  return r;
}

function twinOf(rng: Random, p: DemoPatientFile): DemoPatientFile {
  const { family } = splitHan(p.name);
  let given = p.name.slice(family.length);
  const pool = Object.keys(GIVEN_VARIANTS).filter((ch) => ch !== given[0]);
  given = given.length === 2 ? `${given[0]}${rng.pick(pool)}` : rng.pick(pool);
  const sequence = String(rng.int(100, 999));
  const first17 = `${p.residentId.slice(0, 14)}${sequence}`;
  const gender = Number(sequence[2]) % 2 === 1 ? 'male' : 'female';
  return { ...p, name: `${family}${given}`, gender, residentId: first17 + residentIdCheckChar(first17), identifiers: [{ system: 'his-mrn', value: `${p.identifiers[0]!.value}T` }] };
}

function hanParts(r: MatchRecord): { family?: string; given?: string } {
  const name = r.name ?? {};
  if (name.full !== undefined && /\p{Script=Han}/u.test(name.full)) return splitHan(name.full);
  if (name.family !== undefined && /\p{Script=Han}/u.test(name.family)) return { family: name.family, given: name.given };
  return {};
}

function splitHan(full: string): { family: string; given: string } {
  const cut = ['欧阳', '司马', '诸葛', '上官'].includes(full.slice(0, 2)) ? 2 : 1;
  return { family: full.slice(0, cut), given: full.slice(cut) };
}

function swapOrMistype(rng: Random, r: MatchRecord, field: 'phone' | 'birthDate' | 'residentId', from: number): boolean {
  const value = r[field];
  if (value === undefined) return false;
  const digits = [...value].map((ch, i) => [ch, i] as const).filter(([ch], k) => /\d/.test(ch) && k >= from);
  if (digits.length < 2) return false;
  const chars = [...value];
  const at = rng.int(0, digits.length - 2);
  const [a, i] = digits[at]!;
  const [b, j] = digits[at + 1]!;
  if (rng.chance(0.6) && a !== b) {
    chars[i] = b;
    chars[j] = a;
  } else {
    chars[i] = String((Number(a) + rng.int(1, 9)) % 10);
  }
  r[field] = chars.join('');
  return true;
}

function dropField(rng: Random, r: MatchRecord, fields: readonly ('phone' | 'birthDate' | 'gender' | 'address')[]): boolean {
  const field = rng.pick(fields);
  if (r[field] === undefined) return false;
  r[field] = undefined;
  return true;
}

function capitalise(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}
