import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../src/demo/catalog.js';
import { generateDepartments, generateDoctors, generatePatients } from '../../src/demo/generator.js';
import type { DemoPatient, GeneratePatientsOptions } from '../../src/demo/generator.js';
import { addYears } from '../../src/demo/random.js';
import { parsePhone } from '../../src/modules/patients/phone.js';
import { parseResidentId } from '../../src/modules/patients/resident-id.js';

const today = '2025-06-15';
const departments = generateDepartments();
const doctors = generateDoctors(departments, 7);

function patients(count: number, overrides: Partial<GeneratePatientsOptions> = {}): Generator<DemoPatient> {
  return generatePatients({ seed: 7, count, today, departments, doctors, ...overrides });
}

function take(count: number, overrides: Partial<GeneratePatientsOptions> = {}): DemoPatient[] {
  return [...patients(count, overrides)];
}

describe('demo hospital staff', () => {
  it('has at least 12 departments with unique codes and Chinese and English names', () => {
    expect(departments.length).toBeGreaterThanOrEqual(12);
    expect(new Set(departments.map((d) => d.code)).size).toBe(departments.length);
    for (const d of departments) {
      expect(d.nameZh).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(d.nameEn).toMatch(/^[A-Za-z -]+$/);
    }
    expect(departments.map((d) => d.nameZh)).toEqual(expect.arrayContaining(['心血管内科', '内分泌科', '儿科', '急诊科']));
  });

  it('has at least 40 doctors, at least 4 in every department, with unique ASCII usernames and Chinese names', () => {
    expect(doctors.length).toBeGreaterThanOrEqual(40);
    expect(new Set(doctors.map((d) => d.username)).size).toBe(doctors.length);
    for (const department of departments) {
      expect(doctors.filter((d) => d.departmentCode === department.code).length).toBeGreaterThanOrEqual(4);
    }
    for (const doctor of doctors) {
      expect(doctor.username).toMatch(/^dr\.[a-z]+\d*$/);
      expect(doctor.displayName).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect(['主任医师', '副主任医师', '主治医师', '住院医师']).toContain(doctor.title);
    }
  });

  it('gives the same doctors for the same seed and different ones for another seed', () => {
    expect(generateDoctors(departments, 7)).toEqual(doctors);
    expect(generateDoctors(departments, 8).map((d) => d.username)).not.toEqual(doctors.map((d) => d.username));
  });
});

describe('demo patients', () => {
  it('are the same for the same seed', () => {
    expect(take(300)).toEqual(take(300));
  });

  it('differ for a different seed', () => {
    const a = take(300);
    const b = take(300, { seed: 8 });
    expect(b.map((p) => p.patient.residentId)).not.toEqual(a.map((p) => p.patient.residentId));
    expect(b.map((p) => p.patient.name)).not.toEqual(a.map((p) => p.patient.name));
  });

  it('can be generated in chunks that join up exactly with one whole run', () => {
    const whole = take(200);
    const chunks = [...take(120), ...take(80, { startIndex: 120 })];
    expect(chunks).toEqual(whole);
  });

  it('carry resident IDs that are valid, unique, and agree with birth date, gender and address', () => {
    const regionCode = new Map(REGIONS.map((r) => [`${r.province}/${r.city}/${r.district}`, r.code]));
    const seen = new Set<string>();
    for (const { patient } of patients(20_000)) {
      const parsed = parseResidentId(patient.residentId, today);
      expect(parsed).toMatchObject({ ok: true, value: patient.residentId, birthDate: patient.birthDate, gender: patient.gender });
      const { province, city, district } = patient.address;
      expect(patient.residentId.slice(0, 6)).toBe(regionCode.get(`${province}/${city}/${district}`));
      seen.add(patient.residentId);
    }
    expect(seen.size).toBe(20_000);
  });

  it('have unique mainland mobile numbers in E.164', () => {
    const seen = new Set<string>();
    for (const { patient } of patients(20_000)) {
      expect(patient.phone).toMatch(/^\+861[35789]\d{9}$/);
      expect(parsePhone(patient.phone)).toEqual({ ok: true, e164: patient.phone, kind: 'mobile' });
      seen.add(patient.phone);
    }
    expect(seen.size).toBe(20_000);
  });

  it('have exactly one MRN each, and MRN, EMR and insurance numbers never repeat over 20,000 patients', () => {
    const seen = new Map<string, Set<string>>([['his-mrn', new Set()], ['emr', new Set()], ['insurance', new Set()]]);
    let identifiers = 0;
    for (const { patient } of patients(20_000)) {
      expect(patient.identifiers.filter((i) => i.system === 'his-mrn')).toHaveLength(1);
      for (const { system, value } of patient.identifiers) {
        seen.get(system)!.add(value);
        identifiers++;
      }
    }
    expect(seen.get('his-mrn')!.size).toBe(20_000);
    expect(seen.get('emr')!.size).toBeGreaterThan(0);
    expect(seen.get('insurance')!.size).toBeGreaterThan(0);
    expect([...seen.values()].reduce((sum, set) => sum + set.size, 0)).toBe(identifiers);
  });

  it('look like a hospital population: ages 0–95 mostly adult, Chinese names, example e-mail domains, mostly zh-CN', () => {
    const sample = take(5_000);
    const ages = sample.map(({ patient }) => ageOf(patient.birthDate));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(95);
    expect(ages.filter((a) => a >= 18).length / ages.length).toBeGreaterThan(0.7);
    const women = sample.filter(({ patient }) => patient.gender === 'female').length / sample.length;
    expect(women).toBeGreaterThan(0.45);
    expect(women).toBeLessThan(0.55);
    for (const { patient } of sample) {
      expect(patient.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      if (patient.email !== null) expect(patient.email).toMatch(/^[a-z]+\d+@(mail\.)?example\.(com|cn|net|org)$/);
      expect(patient.consent.some((c) => c.channel === patient.preferredChannel && c.purpose === 'care' && c.granted)).toBe(true);
    }
    expect(sample.filter(({ patient }) => patient.preferredLanguage === 'zh-CN').length / sample.length).toBeGreaterThan(0.9);
    expect(sample.some(({ patient }) => patient.email !== null)).toBe(true);
  });

  it('have finished encounters inside the history window, after birth, sorted by start, each ending after it starts', () => {
    const windowStart = Date.parse(`${addYears(today, -2)}T00:00:00+08:00`);
    const todayStart = Date.parse(`${today}T00:00:00+08:00`);
    const doctorDepartment = new Map(doctors.map((d) => [d.username, d.departmentCode]));
    const problems: string[] = [];
    let encounters = 0;
    // One assertion at the end: an expect() per encounter would make this test slow for no extra insight.
    for (const { patient, encounters: list } of patients(20_000)) {
      const mrn = patient.identifiers[0]!.value;
      if (list.length > 8) problems.push(`${mrn} has ${list.length} encounters`);
      const born = Date.parse(`${patient.birthDate}T00:00:00+08:00`);
      list.forEach((e, i) => {
        const start = Date.parse(e.startAt);
        const end = e.endAt === null ? null : Date.parse(e.endAt);
        const where = `${mrn} encounter ${i}`;
        if (new Date(start).toISOString() !== e.startAt) problems.push(`${where} starts at a non-ISO ${e.startAt}`);
        if (start < windowStart || start < born || start >= todayStart) problems.push(`${where} starts outside the window: ${e.startAt}`);
        if (end !== null && (end <= start || end > todayStart)) problems.push(`${where} ends at ${e.endAt}`);
        if (i > 0 && e.startAt < list[i - 1]!.startAt) problems.push(`${where} is out of order`);
        if (e.status !== 'finished') problems.push(`${where} is ${e.status}`);
        if (doctorDepartment.get(e.attendingDoctorUsername) !== e.departmentCode) problems.push(`${where} has a doctor from another department`);
        if (e.diagnoses.length > 0 && e.diagnoses.filter((d) => d.primary).length !== 1) problems.push(`${where} lacks one primary diagnosis`);
        if (!Number.isInteger(e.chargesCents) || e.chargesCents <= 0) problems.push(`${where} charges ${e.chargesCents}`);
        encounters++;
      });
    }
    expect(problems.slice(0, 10)).toEqual([]);
    expect(encounters).toBeGreaterThan(20_000);
  });

  it('are mostly outpatient visits, with admissions discharged on a later day and a few operations', () => {
    const counts = new Map<string, number>();
    const localDay = (iso: string) => Math.floor((Date.parse(iso) + 8 * 3_600_000) / 86_400_000);
    const sameDayStays: string[] = [];
    for (const { encounters } of patients(10_000)) {
      for (const e of encounters) {
        counts.set(e.class, (counts.get(e.class) ?? 0) + 1);
        if ((e.class === 'inpatient' || e.class === 'surgery') && (e.endAt === null || localDay(e.endAt) <= localDay(e.startAt))) {
          sameDayStays.push(e.startAt);
        }
      }
    }
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    expect(sameDayStays).toEqual([]);
    expect(counts.get('outpatient')! / total).toBeGreaterThan(0.5);
    expect(counts.get('inpatient')).toBeGreaterThan(0);
    expect(counts.get('surgery')).toBeGreaterThan(0);
    expect(counts.get('surgery')! / total).toBeLessThan(0.05);
  });

  it('bring chronic patients back to the same clinic again and again', () => {
    let hypertensive = 0;
    let returning = 0;
    for (const { patient, encounters } of patients(5_000)) {
      if (!patient.tags.includes('高血压随访')) continue;
      hypertensive++;
      const followUps = encounters.filter((e) => e.departmentCode === 'CARD' && e.diagnoses[0]?.code === 'I10');
      if (followUps.length >= 2) returning++;
    }
    expect(hypertensive).toBeGreaterThan(100);
    expect(returning / hypertensive).toBeGreaterThan(0.8);
  });

  it('stream a 100,000-patient run to the end', () => {
    let count = 0;
    let lastMrn = '';
    for (const { patient } of generatePatients({ seed: 99, count: 100_000, today, departments, doctors, yearsOfHistory: 3 })) {
      count++;
      lastMrn = patient.identifiers[0]!.value;
    }
    expect(count).toBe(100_000);
    expect(lastMrn).toBe('MRN00100000');
  });
});

function ageOf(birthDate: string): number {
  const years = Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return today.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
