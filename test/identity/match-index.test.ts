import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCH_CONFIG, MatchDecision, MatchIndex, createMatchIndex, loadPerson, matchIncomingRecord, matchRecordFromPatient } from '../../src/modules/identity/identity.service.js';
import type { MatchConfig, MatchRecord } from '../../src/modules/identity/identity.service.js';
import { loadConfig } from '../../src/config.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';

/** 张伟 as the HIS registered him: the person every story below starts from. */
const zhangWei: MatchRecord = {
  source: 'his',
  sourceRecordId: 'ADT-1',
  name: { full: '张伟' },
  birthDate: '1975-03-12',
  gender: 'male',
  phone: '13812345678',
  residentId: residentIdFor('1975-03-12', 'male'),
  address: { region: '北京市', city: '北京市', locality: '朝阳区', street: '建国路88号' },
  identifiers: [{ system: 'his-mrn', value: 'MRN0001' }],
};

/** The same man as the EMR sent him later: no resident ID, its own record number. */
function fromEmr(changes: Partial<MatchRecord> = {}): MatchRecord {
  const { residentId: _dropped, ...rest } = zhangWei;
  return { ...rest, source: 'emr', sourceRecordId: 'EMR-7', identifiers: [{ system: 'emr-no', value: 'E-42' }], ...changes };
}

function indexWith(records: MatchRecord[], config: MatchConfig = DEFAULT_MATCH_CONFIG): { index: MatchIndex; firstPerson: string } {
  let n = 0;
  const index = new MatchIndex(config, { newPersonId: () => `person-${++n}` });
  const [first, ...rest] = records;
  const firstPerson = index.add(first!).personId;
  for (const record of rest) index.add(record);
  return { index, firstPerson };
}

const field = (decision: MatchDecision, name: string) => decision.explanation.fields.find((f) => f.field === name);

describe('the patient index', () => {
  it('links a record whose birth date has two digits transposed', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add(fromEmr({ birthDate: '1975-03-21' }));
    expect(decision.decision).toBe('linked');
    expect(decision.personId).toBe(firstPerson);
    expect(field(decision, 'birthDate')).toMatchObject({ level: 'close', note: 'transposed digits' });
  });

  it('links a record with day and month swapped', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add(fromEmr({ birthDate: '1975-12-03' }));
    expect(decision).toMatchObject({ decision: 'linked', personId: firstPerson });
    expect(field(decision, 'birthDate')?.note).toBe('day and month swapped');
  });

  it('links a homophone surname (章 for 张) when phone and birth date agree', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add(fromEmr({ name: { full: '章伟' }, address: undefined }));
    expect(decision).toMatchObject({ decision: 'linked', personId: firstPerson });
    expect(field(decision, 'familyName')).toMatchObject({ level: 'close', note: 'homophone' });
  });

  it('links the name written in pinyin, in either order', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    expect(index.add(fromEmr({ name: { family: 'Zhang', given: 'Wei' } })).personId).toBe(firstPerson);
    const swapped = index.add(fromEmr({ name: { family: 'Wei', given: 'Zhang' }, sourceRecordId: 'EMR-8', identifiers: [] }));
    expect(swapped).toMatchObject({ decision: 'linked', personId: firstPerson });
    expect(field(swapped, 'familyName')?.note).toBe('names swapped');
  });

  it('does not link twins: same surname, birth date, address and family phone, another given name', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const twin = index.add(fromEmr({ name: { full: '张杰' }, sourceRecordId: 'EMR-9' }));
    expect(twin.decision).not.toBe('linked');
    expect(twin.personId).not.toBe(firstPerson);
    expect(twin.explanation.heldForReview).toMatch(/twins/);
  });

  it('does not link a twin whose resident ID is known: two valid, different numbers are two people', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const twin = index.add({ ...zhangWei, source: 'emr', name: { full: '张杰' }, residentId: residentIdFor('1975-03-12', 'male', '110105', 13), identifiers: [] });
    expect(twin.decision).toBe('new');
    expect(twin.personId).not.toBe(firstPerson);
    expect(twin.explanation.ruledOut).toMatch(/different resident ID numbers/);
  });

  it('lets missing fields lower the score without vetoing the link', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const full = index.match(fromEmr());
    const sparse = index.add(fromEmr({ gender: undefined, address: undefined }));
    expect(sparse).toMatchObject({ decision: 'linked', personId: firstPerson });
    expect(sparse.score!).toBeLessThan(full.score!);
    expect(field(sparse, 'gender')).toMatchObject({ level: 'missing', weight: 0 });
  });

  it('links the same source and identifier without scoring, even when the name was corrected', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add({ source: 'his', name: { full: '张卫' }, identifiers: [{ system: 'his-mrn', value: 'MRN0001' }] });
    expect(decision).toMatchObject({ decision: 'linked', personId: firstPerson, score: null });
    expect(decision.explanation.method).toBe('identifier');
  });

  it('does not treat the same MRN from another source as the same person', () => {
    const { index } = indexWith([zhangWei]);
    const decision = index.add({ source: 'lab', name: { full: '李娜' }, birthDate: '1990-01-01', identifiers: [{ system: 'his-mrn', value: 'MRN0001' }] });
    expect(decision.decision).toBe('new');
  });

  it('links the same valid resident ID without scoring', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add({ source: 'clinic', name: { full: 'Zhang Wei' }, residentId: zhangWei.residentId });
    expect(decision).toMatchObject({ decision: 'linked', personId: firstPerson });
    expect(decision.explanation.method).toBe('resident_id');
  });

  it('does not link on a resident ID whose birth date contradicts the record (a child under a parent\'s ID)', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const child = index.add({ source: 'clinic', name: { full: '张小宝' }, birthDate: '2020-06-01', residentId: zhangWei.residentId });
    expect(child.explanation.method).toBe('probabilistic');
    expect(child.personId).not.toBe(firstPerson);
  });

  it('explains a decision with every compared field, the score and the candidate', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add(fromEmr({ phone: '13812345687' }));
    expect(decision.explanation.fields.map((f) => f.field)).toEqual([
      'familyName', 'givenName', 'birthDate', 'gender', 'phone', 'residentId', 'identifier',
      'streetNumber', 'postcode', 'street', 'addressLine2', 'locality', 'city', 'region',
    ]);
    const total = decision.explanation.fields.reduce((sum, f) => sum + f.weight, 0);
    expect(decision.score).toBeCloseTo(total, 6);
    expect(decision.explanation).toMatchObject({ candidatePersonId: firstPerson, candidateRecord: { source: 'his', sourceRecordId: 'ADT-1' } });
    expect(field(decision, 'phone')).toMatchObject({ level: 'close', note: 'transposed digits' });
    expect(MatchDecision.parse(decision)).toEqual(decision);
  });

  it('makes a new person of a record nobody resembles', () => {
    const { index, firstPerson } = indexWith([zhangWei]);
    const decision = index.add({ source: 'emr', name: { full: '欧阳娜' }, birthDate: '1990-11-30', gender: 'female', phone: '13900001111' });
    expect(decision.decision).toBe('new');
    expect(decision.personId).not.toBe(firstPerson);
  });

  it('takes its thresholds from configuration: the same record links, goes to review or starts a new person', () => {
    const weak = fromEmr({ name: { full: '章伟' }, birthDate: undefined, address: undefined, phone: '13812345687' });
    const score = indexWith([zhangWei]).index.match(weak).score!;
    const decide = (env: Record<string, string>) => indexWith([zhangWei], createMatchIndex(loadConfig(env)).config).index.add(weak).decision;
    expect(decide({ HCRM_MATCH_LINK_THRESHOLD: String(score - 1), HCRM_MATCH_REVIEW_THRESHOLD: String(score - 2) })).toBe('linked');
    expect(decide({ HCRM_MATCH_LINK_THRESHOLD: String(score + 1), HCRM_MATCH_REVIEW_THRESHOLD: String(score - 1) })).toBe('review');
    expect(decide({ HCRM_MATCH_LINK_THRESHOLD: String(score + 2), HCRM_MATCH_REVIEW_THRESHOLD: String(score + 1) })).toBe('new');
  });

  it('pairs a review with its candidate and gives the record a person of its own until someone decides', () => {
    const { index, firstPerson } = indexWith([zhangWei], { ...DEFAULT_MATCH_CONFIG, linkThreshold: 1000 });
    const decision = index.add(fromEmr());
    expect(decision.decision).toBe('review');
    expect(decision.personId).not.toBe(firstPerson);
    expect(decision.explanation.candidatePersonId).toBe(firstPerson);
  });

  it('loads known people incrementally and matches new records against them', () => {
    const index = createMatchIndex({ match: DEFAULT_MATCH_CONFIG });
    loadPerson(index, 'patient-42', [zhangWei]);
    expect(index.size).toBe(1);
    expect(matchIncomingRecord(index, fromEmr())).toMatchObject({ decision: 'linked', personId: 'patient-42' });
    expect(index.size).toBe(2);
  });

  it('sends a record that fits two people equally well to review: the index probably holds one person twice', () => {
    const index = createMatchIndex({ match: DEFAULT_MATCH_CONFIG });
    loadPerson(index, 'file-a', [zhangWei]);
    loadPerson(index, 'file-b', [fromEmr()]);
    const decision = index.add({ ...fromEmr(), source: 'clinic', identifiers: [] });
    expect(decision.decision).toBe('review');
    expect(decision.explanation.heldForReview).toMatch(/another person scores almost as high/);
  });

  it('matches an incoming record against a patient file already in HCRM', () => {
    const file = aPatient({ name: '王秀英', gender: 'female', birthDate: '1958-09-30', phone: '13911112222' });
    const index = createMatchIndex({ match: DEFAULT_MATCH_CONFIG });
    loadPerson(index, 'patient-7', [matchRecordFromPatient(file, 'hcrm')]);
    const fromHis = { source: 'his', name: { family: 'Wang', given: 'Xiuying' }, birthDate: '19580930', gender: 'female' as const, phone: '+86 139 1111 2222' };
    expect(index.add(fromHis)).toMatchObject({ decision: 'linked', personId: 'patient-7' });
  });

  it('follows a reviewer\'s merge: the merged file\'s records and identifiers now lead to the survivor', () => {
    const { index, firstPerson } = indexWith([zhangWei], { ...DEFAULT_MATCH_CONFIG, linkThreshold: 1000 });
    const reviewed = index.add(fromEmr());
    expect(reviewed.decision).toBe('review');
    expect(index.merge(firstPerson, reviewed.personId)).toBe(1);
    const again = index.add({ source: 'emr', identifiers: [{ system: 'emr-no', value: 'E-42' }] });
    expect(again).toMatchObject({ decision: 'linked', personId: firstPerson });
  });

  it('refuses a record without a source with a typed error naming the field', () => {
    const index = createMatchIndex({ match: DEFAULT_MATCH_CONFIG });
    expect(() => index.add({ source: ' ', name: { full: '张伟' } })).toThrow(expect.objectContaining({ code: 'identity.invalid_record', status: 400 }));
    expect(index.size).toBe(0);
  });

  it('refuses a review threshold above the link threshold', () => {
    expect(() => new MatchIndex({ ...DEFAULT_MATCH_CONFIG, linkThreshold: 5, reviewThreshold: 6 })).toThrow(/review threshold/);
  });
});
