/**
 * A synthetic demo hospital: departments, doctors and a stream of patients with their visit history. Every value
 * is a pure function of (seed, patient index), so the start-up seed, tests and benchmarks see the same people,
 * a run can be split into chunks (`startIndex`) that join up exactly, and a million patients need no memory
 * beyond one patient at a time. Names, numbers and histories are invented; none belongs to a real person.
 */
import { residentIdCheckChar } from '../modules/patients/resident-id.js';
import {
  ADULT_RELATIONSHIPS, ALLERGENS, ALLERGY_REACTIONS, CHILD_RELATIONSHIPS, COMPANY_TRADES, COMPOUNDS, DEPARTMENT_BY_CODE, DEPARTMENTS,
  DIABETES_DRUGS, DOCTOR_TITLES, EMPLOYER_BRANDS, FACTORY_TRADES, FAMILY_HISTORY, GIVEN_FEMALE, GIVEN_MALE, GIVEN_SHARED,
  GOVERNMENT_OFFICES, HYPERTENSION_DRUGS, OCCUPATIONS, REGIONS, SCHOOLS, SOURCES, STREETS, SURNAMES,
} from './catalog.js';
import type { DepartmentDef, EmployerKind, NamePart, Region, Sex } from './catalog.js';
import { buildClinic, writeClinicalStory } from './encounters.js';
import type { Clinic } from './encounters.js';
import { BirthSlots } from './birth-slots.js';
import type { BirthSlot } from './birth-slots.js';
import { IndexPermutation, Random, WeightedTable, addYears, ageOn, dayNumber, mix32 } from './random.js';
import type { ConsentChannel, DemoDepartment, DemoDoctor, DemoPatient, DemoPatientFile } from './types.js';

export type * from './types.js';

export interface GeneratePatientsOptions {
  seed: number;
  count: number;
  /** The hospital's today (YYYY-MM-DD): ages and the visit history are measured back from it. */
  today: string;
  departments: readonly DemoDepartment[];
  doctors: readonly DemoDoctor[];
  yearsOfHistory?: number;
  /** Position of the first patient in the run (default 0): chunks of one run never collide. */
  startIndex?: number;
}

export function generateDepartments(): DemoDepartment[] {
  return DEPARTMENTS.map(({ code, nameZh, nameEn }) => ({ code, nameZh, nameEn }));
}

export function generateDoctors(departments: readonly DemoDepartment[], seed: number): DemoDoctor[] {
  const rng = new Random(seed, 0x0d0c7025);
  const names = new NameMaker();
  const usernames = new Set<string>();
  const displayNames = new Set<string>();
  const doctors: DemoDoctor[] = [];
  for (const department of departments) {
    const specialties = DEPARTMENT_BY_CODE.get(department.code)?.specialties ?? [department.nameZh];
    const count = rng.int(4, 6);
    for (let i = 0; i < count; i++) {
      let name = names.make(rng, rng.chance(0.5) ? 'male' : 'female');
      while (displayNames.has(name.zh)) name = names.make(rng, rng.chance(0.5) ? 'male' : 'female');
      displayNames.add(name.zh);
      let username = `dr.${name.pinyin}`;
      for (let n = 2; usernames.has(username); n++) username = `dr.${name.pinyin}${n}`;
      usernames.add(username);
      // Every department gets one of each senior grade first, as a real ward roster would.
      const title = i < DOCTOR_TITLES.length ? DOCTOR_TITLES[i]! : rng.pick(DOCTOR_TITLES.slice(2));
      const specialty = specialties[(i + rng.int(0, 9)) % specialties.length]!;
      doctors.push({ username, displayName: name.zh, title, departmentCode: department.code, specialty });
    }
  }
  return doctors;
}

// Mobile prefixes of the three carriers; libphonenumber accepts every 8-digit tail behind each of them.
const MOBILE_PREFIXES = (
  '130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 ' +
  '173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 193 195 198 199'
).split(' ');
const PAST_OPERATIONS = ['阑尾切除术', '胆囊切除术', '骨折内固定术', '腹股沟疝修补术'];
const PAST_OPERATIONS_FEMALE = ['阑尾切除术', '胆囊切除术', '剖宫产术', '骨折内固定术'];
const EMAIL_DOMAINS = ['example.com', 'example.cn', 'example.net', 'example.org', 'mail.example.com'];
const FAMILY_HISTORY_TABLE = new WeightedTable(FAMILY_HISTORY);
const ALLERGEN_TABLE = new WeightedTable(ALLERGENS);
const REACTION_TABLE = new WeightedTable(ALLERGY_REACTIONS);
const CHILD_CONTACTS = new WeightedTable<string>(CHILD_RELATIONSHIPS);
const ADULT_CONTACTS = new WeightedTable<string>(ADULT_RELATIONSHIPS);
const AGE_BANDS: readonly (readonly [number, number, number])[] = [
  [0, 4, 6], [5, 14, 8], [15, 24, 8], [25, 34, 14], [35, 44, 14], [45, 54, 15], [55, 64, 15], [65, 74, 12], [75, 84, 6], [85, 95, 2],
];

export function* generatePatients(options: GeneratePatientsOptions): Generator<DemoPatient> {
  const { seed, count, today, yearsOfHistory = 2, startIndex = 0 } = options;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(yearsOfHistory) || yearsOfHistory < 0 || yearsOfHistory > 50) {
    throw new Error(`yearsOfHistory must be an integer 0–50, got ${yearsOfHistory}`);
  }
  const todayDay = dayNumber(today);
  const births = new BirthSlots(today, AGE_BANDS, seed);
  if (!Number.isInteger(startIndex) || startIndex < 0 || startIndex + count > births.capacity) throw new Error(`a run holds at most ${births.capacity} patients`);

  const clinic = clinicFor(options.departments, options.doctors);
  const shared: Shared = {
    clinic,
    names: new NameMaker(),
    regions: new WeightedTable(REGIONS.map((r) => [r, r.weight] as const)),
    sources: new WeightedTable(SOURCES),
    occupations: new WeightedTable(OCCUPATIONS.map((o) => [o, o[2]] as const)),
    phoneTails: new IndexPermutation(100_000_000, mix32(seed ^ 0x7e1)),
    emailNumbers: new IndexPermutation(births.capacity, mix32(seed ^ 0xe4a1)),
    emrNumbers: new IndexPermutation(1_000_000_000, mix32(seed ^ 0xe3a)),
    insuranceNumbers: new IndexPermutation(10_000_000_000, mix32(seed ^ 0x1a5)),
    windowStart: dayNumber(addYears(today, -yearsOfHistory)),
    todayDay,
  };
  for (let index = startIndex; index < startIndex + count; index++) {
    const rng = new Random(seed, index + 1);
    yield makePatient(rng, shared, index, births.slot(index), today);
  }
}

interface Shared {
  clinic: Clinic;
  names: NameMaker;
  regions: WeightedTable<Region>;
  sources: WeightedTable<(typeof SOURCES)[number][0]>;
  occupations: WeightedTable<(typeof OCCUPATIONS)[number]>;
  // Keyed permutations of the patient index: numbers that look random yet never repeat within a run.
  phoneTails: IndexPermutation;
  emailNumbers: IndexPermutation;
  emrNumbers: IndexPermutation;
  insuranceNumbers: IndexPermutation;
  windowStart: number;
  todayDay: number;
}

function clinicFor(departments: readonly DemoDepartment[], doctors: readonly DemoDoctor[]): Clinic {
  const defs = departments.map((d) => DEPARTMENT_BY_CODE.get(d.code)).filter((d): d is DepartmentDef => d !== undefined);
  const byDepartment = new Map<string, string[]>();
  for (const doctor of doctors) {
    const list = byDepartment.get(doctor.departmentCode) ?? [];
    list.push(doctor.username);
    byDepartment.set(doctor.departmentCode, list);
  }
  return buildClinic(defs, byDepartment);
}

function makePatient(rng: Random, s: Shared, index: number, birth: BirthSlot, today: string): DemoPatient {
  const { birthDate, sequence } = birth;
  const gender: Sex = sequence % 2 === 1 ? 'male' : 'female';
  const age = ageOn(birthDate, today);
  const region = s.regions.pick(rng);
  const first17 = `${region.code}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const name = s.names.make(rng, gender);
  const email = rng.chance(age >= 18 && age < 60 ? 0.45 : age >= 18 ? 0.1 : 0)
    ? `${name.pinyin}${s.emailNumbers.apply(index)}@${rng.pick(EMAIL_DOMAINS)}`
    : null;
  const [occupation, employer] = work(rng, s, age, gender, region);
  const source = s.sources.pick(rng);

  const hypertension = rng.chance(age < 30 ? 0.005 : age < 45 ? 0.06 : age < 60 ? 0.2 : age < 75 ? 0.4 : 0.5);
  const diabetes = rng.chance(age < 30 ? 0.003 : age < 45 ? 0.03 : age < 60 ? 0.1 : 0.18);
  const story = writeClinicalStory(rng, s.clinic, {
    age,
    sex: gender,
    firstDay: Math.max(s.windowStart, birth.birthDay + 1),
    lastDay: s.todayDay - 1,
    hypertension,
    diabetes,
    pregnancy: gender === 'female' && age >= 20 && age <= 42 && rng.chance(0.07),
    physicalExam: source === 'physical-exam' || (age >= 18 && rng.chance(0.1)),
  });

  const identifiers: DemoPatientFile['identifiers'] = [{ system: 'his-mrn', value: `MRN${String(index + 1).padStart(8, '0')}` }];
  if (rng.chance(0.35)) identifiers.push({ system: 'emr', value: `EMR${String(s.emrNumbers.apply(index)).padStart(9, '0')}` });
  const insured = rng.chance(0.6);
  if (insured) {
    const number = String(s.insuranceNumbers.apply(index)).padStart(10, '0');
    identifiers.push({ system: 'insurance', value: `YB${region.code.slice(0, 4)}${number}` });
  }

  const tags: string[] = [];
  if (hypertension) tags.push('高血压随访');
  if (diabetes) tags.push('糖尿病管理');
  if (hypertension || diabetes) tags.push('慢病');
  if (story.maternity) tags.push('孕产妇');
  if (story.hadSurgery) tags.push('术后随访');
  if (age >= 65) tags.push('老年人');
  if (age < 7) tags.push('儿童保健');
  if (insured) tags.push('医保');
  if (rng.chance(0.015)) tags.push('VIP');

  const preferredChannel: ConsentChannel = email && rng.chance(0.3) ? 'email' : rng.chance(age >= 70 ? 0.6 : 0.15) ? 'phone' : 'sms';
  return {
    patient: {
      name: name.zh,
      gender,
      birthDate,
      residentId: first17 + residentIdCheckChar(first17),
      phone: `+86${rng.pick(MOBILE_PREFIXES)}${String(s.phoneTails.apply(index)).padStart(8, '0')}`,
      email,
      address: { province: region.province, city: region.city, district: region.district, detail: addressDetail(rng) },
      occupation,
      employer,
      source,
      preferredLanguage: rng.chance(0.02) ? 'en' : 'zh-CN',
      preferredChannel,
      consent: consents(rng, email !== null, preferredChannel, source === 'online'),
      tags,
      identifiers,
      emergencyContacts: emergencyContacts(rng, s.names, age, name.surname),
      pastHistory: pastHistory(rng, age, gender, hypertension, diabetes),
      familyHistory: rng.chance(0.4) ? FAMILY_HISTORY_TABLE.pick(rng) : null,
      allergies: allergies(rng),
    },
    encounters: story.encounters,
  };
}

/** A synthetic full name with ASCII pinyin, for usernames and e-mail addresses. */
class NameMaker {
  private readonly surnames = new WeightedTable(SURNAMES);

  make(rng: Random, sex: Sex, surname: NamePart = this.surnames.pick(rng)): { zh: string; pinyin: string; surname: NamePart } {
    const own = sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
    let zh = surname.zh;
    let pinyin = surname.pinyin;
    for (let n = rng.chance(0.15) ? 1 : 2; n > 0; n--) {
      const given = rng.pick(rng.chance(0.8) ? own : GIVEN_SHARED);
      zh += given.zh;
      pinyin += given.pinyin;
    }
    return { zh, pinyin, surname };
  }
}

function work(rng: Random, s: Shared, age: number, sex: Sex, region: Region): [string, string | null] {
  if (age < 3) return ['散居儿童', null];
  if (age < 7) return ['幼托儿童', `${region.district}${rng.pick(['第一幼儿园', '实验幼儿园', '阳光幼儿园'])}`];
  if (age < 19) return ['学生', `${region.district}${rng.pick(SCHOOLS.slice(0, 3))}`];
  if (age < 23 && rng.chance(0.7)) return ['学生', `${region.city}${rng.pick(['理工学院', '师范学院', '职业技术学院'])}`];
  if (age >= (sex === 'male' ? 60 : 55) && rng.chance(0.85)) return ['退休人员', null];
  const [occupation, kind] = s.occupations.pick(rng);
  return [occupation, employerName(rng, kind, region)];
}

function employerName(rng: Random, kind: EmployerKind, region: Region): string | null {
  switch (kind) {
    case 'company': return `${rng.pick(EMPLOYER_BRANDS)}${rng.pick(COMPANY_TRADES)}有限公司`;
    case 'factory': return `${rng.pick(EMPLOYER_BRANDS)}${rng.pick(FACTORY_TRADES)}有限公司`;
    case 'school': return `${region.district}${rng.pick(SCHOOLS)}`;
    case 'hospital': return `${region.district}社区卫生服务中心`;
    case 'government': return `${region.district}${rng.pick(GOVERNMENT_OFFICES)}`;
    case 'self': return '个体';
    case 'none': return null;
  }
}

function addressDetail(rng: Random): string {
  const street = `${rng.pick(STREETS)}${rng.int(1, 299)}号`;
  return `${street}${rng.pick(COMPOUNDS)}${rng.int(1, 24)}号楼${rng.int(1, 6)}单元${rng.int(1, 28)}0${rng.int(1, 6)}室`;
}

function consents(rng: Random, hasEmail: boolean, preferred: ConsentChannel, online: boolean): DemoPatientFile['consent'] {
  const method = () => (online && rng.chance(0.7) ? 'web' : rng.chance(0.6) ? 'written' : 'verbal');
  const channels: ConsentChannel[] = hasEmail ? ['sms', 'phone', 'email'] : ['sms', 'phone'];
  const records: DemoPatientFile['consent'] = [];
  // Care messages need consent on the channel the patient prefers, or the demo could not reach them at all.
  for (const channel of channels) records.push({ channel, purpose: 'care', granted: channel === preferred || rng.chance(0.95), method: method() });
  for (const channel of channels) {
    if (channel !== 'phone' && rng.chance(0.6)) records.push({ channel, purpose: 'marketing', granted: rng.chance(0.4), method: method() });
  }
  return records;
}

function emergencyContacts(rng: Random, names: NameMaker, age: number, surname: NamePart): DemoPatientFile['emergencyContacts'] {
  const child = age < 18;
  const count = child ? rng.int(1, 2) : rng.chance(0.3) ? 0 : rng.int(1, 2);
  const relationships = child ? CHILD_CONTACTS : ADULT_CONTACTS;
  const contacts: DemoPatientFile['emergencyContacts'] = [];
  for (let i = 0; i < count; i++) {
    const relationship = relationships.pick(rng);
    const male = relationship === '父亲' || (relationship !== '母亲' && rng.chance(0.5));
    // Fathers and, mostly, children and siblings share the patient's surname.
    const sameSurname = relationship === '父亲' || ((relationship === '子女' || relationship === '兄弟姐妹') && rng.chance(0.9));
    const name = sameSurname ? names.make(rng, male ? 'male' : 'female', surname) : names.make(rng, male ? 'male' : 'female');
    contacts.push({ name: name.zh, relationship, phone: `+86${rng.pick(MOBILE_PREFIXES)}${rng.digits(8)}` });
  }
  return contacts;
}

function pastHistory(rng: Random, age: number, sex: Sex, hypertension: boolean, diabetes: boolean): string | null {
  const notes: string[] = [];
  if (hypertension) notes.push(`高血压病史${rng.int(1, Math.max(1, Math.min(30, age - 25)))}年，规律服用${rng.pick(HYPERTENSION_DRUGS)}`);
  if (diabetes) notes.push(`2型糖尿病病史${rng.int(1, Math.max(1, Math.min(25, age - 25)))}年，服用${rng.pick(DIABETES_DRUGS)}`);
  if (age > 20 && rng.chance(0.06)) {
    notes.push(`${rng.int(1, Math.min(age - 18, 30))}年前行${rng.pick(sex === 'female' ? PAST_OPERATIONS_FEMALE : PAST_OPERATIONS)}`);
  }
  if (notes.length > 0) return notes.join('；');
  return rng.chance(0.5) ? '既往体健' : null;
}

function allergies(rng: Random): DemoPatientFile['allergies'] {
  if (!rng.chance(0.14)) return [];
  const first = ALLERGEN_TABLE.pick(rng);
  const substances = rng.chance(0.2) ? [...new Set([first, ALLERGEN_TABLE.pick(rng)])] : [first];
  return substances.map((substance) => {
    const reaction = REACTION_TABLE.pick(rng);
    const severity = reaction === '过敏性休克' || reaction === '呼吸困难' ? 'severe' : rng.chance(0.7) ? 'mild' : 'moderate';
    return { substance, reaction, severity };
  });
}
