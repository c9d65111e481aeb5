import type { CanonicalEncounter, CanonicalIdentifier, CanonicalObservation, CanonicalPerson, ImportRecord } from '../../canonical.js';
import { Hl7Error, type Hl7Message, type Segment } from './parser.js';
import { hl7Date, hl7Instant } from './time.js';

/**
 * HL7 v2 message → canonical import record. Pure: the same message and options always give the same record.
 * What each event asks for is in EVENTS; the segment readers below are shared by every event.
 */
export interface Hl7MapOptions {
  /** The sending system's name (the HTTP `source`, the CLI `--source`, or MSH-3 on MLLP). */
  source: string;
  timeZone: string;
}

type Visit = { status?: CanonicalEncounter['status']; clearEnd?: boolean; withVisit: boolean };
const ADT: Record<string, Visit> = {
  A01: { status: 'in-progress', withVisit: true },
  A02: { status: 'in-progress', withVisit: true },
  A03: { status: 'finished', withVisit: true },
  A04: { status: 'in-progress', withVisit: true },
  A05: { status: 'planned', withVisit: true },
  A08: { withVisit: true },
  A11: { status: 'cancelled', withVisit: true },
  A13: { status: 'in-progress', clearEnd: true, withVisit: true },
  A28: { withVisit: false },
  A31: { withVisit: false },
};
const SIU: Record<string, CanonicalEncounter['status']> = { S12: 'planned', S14: 'planned', S15: 'cancelled' };
export const SUPPORTED_EVENTS = [...Object.keys(ADT).map((e) => `ADT^${e}`), 'ADT^A40', 'ADT^A47', ...Object.keys(SIU).map((e) => `SIU^${e}`), 'ORU^R01'];

export class UnsupportedEvent extends Hl7Error {}

export function messageType(m: Hl7Message): { type: string; event: string; controlId: string } {
  const msh = m.segment('MSH');
  const type = m.get(msh, 9, 1);
  const event = m.get(msh, 9, 2) || m.get(m.segment('EVN'), 1);
  return { type, event, controlId: m.get(msh, 10) };
}

export function mapHl7(m: Hl7Message, options: Hl7MapOptions, position: string): ImportRecord {
  const { type, event, controlId } = messageType(m);
  const r = new Reader(m, options);
  const assertedAt = r.instant(m.segment('EVN'), 2, 'EVN-2') ?? r.instant(m.segment('MSH'), 7, 'MSH-7') ?? r.required<string>('MSH-7', null);
  const base = { key: controlId, position, assertedAt };

  if (type === 'ADT' && (event === 'A40' || event === 'A47')) {
    const pid = r.segmentRequired('PID');
    const mrg = r.segmentRequired('MRG');
    const survivor = r.identifiers(pid, 3);
    const prior = r.identifiers(mrg, 1);
    if (survivor.length === 0) throw new Hl7Error('hl7.missing_field', 'the patient identifier list is required', 'PID-3');
    if (prior.length === 0) throw new Hl7Error('hl7.missing_field', 'the prior patient identifier list is required', 'MRG-1');
    if (event === 'A40') return { ...base, command: 'merge', survivor, retired: prior };
    return { ...base, command: 'change-identifier', from: prior[0]!, to: survivor[0]! };
  }

  const person = r.person(r.segmentRequired('PID'));
  const record = { ...base, command: 'upsert' as const, person, subject: person.identifiers, encounters: [] as CanonicalEncounter[], allergies: r.allergies(), observations: [] as CanonicalObservation[] };
  if (type === 'ADT' && event in ADT) {
    const spec = ADT[event]!;
    const pv1 = m.segment('PV1');
    if (spec.withVisit && pv1 && (m.get(pv1, 19) || spec.status)) record.encounters.push(r.visit(pv1, spec, controlId));
    return record;
  }
  if (type === 'SIU' && event in SIU) {
    record.encounters.push(r.appointment(SIU[event]!));
    return record;
  }
  if (type === 'ORU' && event === 'R01') {
    record.observations.push(...r.observations(controlId));
    return record;
  }
  throw new UnsupportedEvent('hl7.unsupported_event', `${type}^${event} is not an event this interface takes (${SUPPORTED_EVENTS.join(', ')})`, 'MSH-9');
}

const GENDER: Record<string, CanonicalPerson['gender']> = { M: 'male', F: 'female', O: 'other', A: 'other', U: 'unknown', N: 'unknown' };
const CLASS: Record<string, NonNullable<CanonicalEncounter['class']>> = { I: 'inpatient', O: 'outpatient', E: 'emergency', P: 'inpatient', R: 'outpatient', B: 'inpatient' };
const SEVERITY: Record<string, 'mild' | 'moderate' | 'severe'> = { MI: 'mild', MO: 'moderate', SV: 'severe' };
/** PID-3 types that carry the resident ID number rather than a hospital identifier. */
const RESIDENT_ID_TYPES = new Set(['NNCHN', 'NI', 'RID']);
const CJK = /[\u3400-\u9fff]/;

class Reader {
  constructor(
    readonly m: Hl7Message,
    readonly o: Hl7MapOptions,
  ) {}

  segmentRequired(name: string): Segment {
    const s = this.m.segment(name);
    if (!s) throw new Hl7Error('hl7.missing_segment', `this event needs a ${name} segment`, name);
    return s;
  }

  required<T>(where: string, value: T | null | undefined | ''): T {
    if (value === null || value === undefined || value === '') throw new Hl7Error('hl7.missing_field', 'is required', where);
    return value;
  }

  instant(s: Segment | undefined, field: number, where: string, component = 1): string | null {
    const raw = this.m.get(s, field, component);
    if (!raw) return null;
    const value = hl7Instant(raw, this.o.timeZone);
    if (!value) throw new Hl7Error('hl7.bad_timestamp', `"${raw}" is not an HL7 timestamp`, where);
    return value;
  }

  src(id: string) {
    return { system: this.o.source, id };
  }

  /** CX repetitions: value^check^scheme^authority^type. The authority (else the source) names the system. */
  identifiers(s: Segment, field: number): CanonicalIdentifier[] {
    return this.m
      .repetitions(s, field)
      .map((rep) => ({ value: this.m.component(rep, 1).trim(), authority: this.m.component(rep, 4).trim(), type: this.m.component(rep, 5).trim() }))
      .filter((i) => i.value !== '')
      .map((i) => ({ system: i.authority || this.o.source, value: i.value, type: i.type || null, assigningAuthority: i.authority || null }));
  }

  person(pid: Segment): CanonicalPerson {
    const all = this.identifiers(pid, 3);
    const resident = all.find((i) => RESIDENT_ID_TYPES.has(i.type ?? ''));
    const identifiers = all.filter((i) => i !== resident);
    if (identifiers.length === 0) throw new Hl7Error('hl7.missing_field', 'at least one patient identifier (other than the resident ID) is required', 'PID-3');
    const family = this.m.get(pid, 5, 1);
    const given = this.m.get(pid, 5, 2);
    const name = CJK.test(family + given) ? `${family}${given}` : [given, family].filter(Boolean).join(' ');
    const birth = this.m.get(pid, 7);
    const birthDate = birth ? hl7Date(birth) : null;
    if (birth && !birthDate) throw new Hl7Error('hl7.bad_date', `"${birth}" is not a date`, 'PID-7');
    const { phone, email } = this.contacts(pid);
    const addr = this.m.repetitions(pid, 11)[0];
    const address = addr
      ? {
          province: this.m.component(addr, 4).trim() || null,
          city: this.m.component(addr, 3).trim() || null,
          district: this.m.component(addr, 9).trim() || null,
          detail: [this.m.component(addr, 1), this.m.component(addr, 2)].map((p) => p.trim()).filter(Boolean).join(' ') || null,
        }
      : undefined;
    return {
      source: this.src(identifiers[0]!.value),
      name: this.required('PID-5', name),
      gender: GENDER[this.m.get(pid, 8).toUpperCase()] ?? 'unknown',
      birthDate,
      residentId: resident?.value ?? null,
      phone,
      email,
      ...(address ? { address } : {}),
      identifiers,
    };
  }

  /** XTN: the number in component 12 (unformatted), 6+7 (area, local) or 1 (v2.3); e-mail in component 4. */
  contacts(pid: Segment): { phone: string | null; email: string | null } {
    let phone: string | null = null;
    let email: string | null = null;
    for (const rep of [...this.m.repetitions(pid, 13), ...this.m.repetitions(pid, 14)]) {
      const equipment = this.m.component(rep, 3).toUpperCase();
      const mail = this.m.component(rep, 4).trim();
      if (equipment === 'INTERNET' || (mail && mail.includes('@'))) {
        email ??= mail || null;
        continue;
      }
      const number = this.m.component(rep, 12).trim() || `${this.m.component(rep, 6)}${this.m.component(rep, 7)}`.trim() || this.m.component(rep, 1).trim();
      if (number) phone ??= number;
    }
    return { phone, email };
  }

  visit(pv1: Segment, spec: Visit, controlId: string): CanonicalEncounter {
    const visitNumber = this.m.get(pv1, 19) || controlId;
    const department = this.m.get(pv1, 10) || this.m.get(pv1, 3, 1);
    const doctor = this.m.repetitions(pv1, 7)[0];
    const doctorName = doctor ? `${this.m.component(doctor, 2)}${this.m.component(doctor, 3)}`.trim() : '';
    const startAt = this.instant(pv1, 44, 'PV1-44');
    const endAt = spec.clearEnd ? null : this.instant(pv1, 45, 'PV1-45');
    return {
      source: this.src(visitNumber),
      class: CLASS[this.m.get(pv1, 2).toUpperCase()] ?? 'outpatient',
      ...(spec.status ? { status: spec.status } : endAt ? { status: 'finished' as const } : {}),
      ...(department ? { departmentCode: department } : {}),
      ...(doctorName ? { attendingDoctorName: doctorName } : {}),
      ...(startAt ? { startAt } : {}),
      ...(endAt !== null || spec.clearEnd ? { endAt } : {}),
      diagnoses: this.m.all('DG1').map((dg1, i) => ({
        source: this.src(`${visitNumber}/DG1/${this.m.get(dg1, 3, 1) || i + 1}`),
        code: this.required(`DG1-3 (segment ${dg1.index})`, this.m.get(dg1, 3, 1)),
        text: this.m.get(dg1, 3, 2) || this.m.get(dg1, 4) || this.m.get(dg1, 3, 1),
        primary: this.m.get(dg1, 15) === '1' || (i === 0 && !this.m.all('DG1').some((d) => this.m.get(d, 15) === '1')),
      })),
      procedures: this.m.all('PR1').map((pr1, i) => ({
        source: this.src(`${visitNumber}/PR1/${this.m.get(pr1, 3, 1) || i + 1}`),
        code: this.m.get(pr1, 3, 1) || null,
        text: this.required(`PR1-3 (segment ${pr1.index})`, this.m.get(pr1, 3, 2) || this.m.get(pr1, 4) || this.m.get(pr1, 3, 1)),
        performedAt: this.instant(pr1, 5, `PR1-5 (segment ${pr1.index})`),
      })),
    };
  }

  allergies() {
    return this.m.all('AL1').map((al1, i) => ({
      source: this.src(`${this.m.get(this.m.segment('PID'), 3)}/AL1/${this.m.get(al1, 3, 1) || i + 1}`),
      substance: this.required(`AL1-3 (segment ${al1.index})`, this.m.get(al1, 3, 2) || this.m.get(al1, 3, 1)),
      reaction: this.m.get(al1, 5) || null,
      severity: SEVERITY[this.m.get(al1, 4, 1).toUpperCase()] ?? null,
    }));
  }

  /** SIU: SCH-2 (filler) or SCH-1 (placer) appointment id; start from AIS-4, else SCH-11.4; place from AIL-3. */
  appointment(status: CanonicalEncounter['status']): CanonicalEncounter {
    const sch = this.segmentRequired('SCH');
    const id = this.required('SCH-2', this.m.get(sch, 2) || this.m.get(sch, 1));
    const ais = this.m.segment('AIS');
    const ail = this.m.segment('AIL');
    const aip = this.m.segment('AIP') ?? this.m.segment('AIG');
    const pv1 = this.m.segment('PV1');
    const startAt = this.instant(ais, 4, 'AIS-4') ?? this.instant(sch, 11, 'SCH-11', 4);
    const department = this.m.get(ail, 3, 1) || this.m.get(pv1, 10) || this.m.get(pv1, 3, 1);
    const doctor = aip ? `${this.m.get(aip, 3, 2)}${this.m.get(aip, 3, 3)}`.trim() : '';
    return {
      source: this.src(`appointment/${id}`),
      class: 'outpatient',
      status,
      ...(department ? { departmentCode: department } : {}),
      ...(doctor ? { attendingDoctorName: doctor } : {}),
      ...(startAt ? { startAt } : {}),
      summary: this.m.get(sch, 7, 2) || this.m.get(sch, 7, 1) || null,
      diagnoses: [],
      procedures: [],
    };
  }

  /** ORU: each OBX becomes one result line; OBR gives its order and time. */
  observations(controlId: string): CanonicalObservation[] {
    const out: CanonicalObservation[] = [];
    let obr: Segment | undefined;
    const pv1 = this.m.segment('PV1');
    for (const s of this.m.segments) {
      if (s.name === 'OBR') obr = s;
      if (s.name !== 'OBX') continue;
      const order = this.m.get(obr, 3) || this.m.get(obr, 2) || controlId;
      const code = this.m.get(s, 3, 1);
      const observedAt = this.instant(s, 14, `OBX-14 (segment ${s.index})`) ?? this.instant(obr, 7, 'OBR-7') ?? this.instant(this.m.segment('MSH'), 7, 'MSH-7');
      out.push({
        source: this.src(`${order}/${this.m.get(s, 1) || code || s.index}`),
        code: code || null,
        text: this.required(`OBX-3 (segment ${s.index})`, this.m.get(s, 3, 2) || code),
        value: this.m.repetitions(s, 5).map((rep) => this.m.component(rep, 1)).join(', ') || null,
        unit: this.m.get(s, 6, 1) || null,
        referenceRange: this.m.get(s, 7) || null,
        flag: this.m.get(s, 8) || null,
        observedAt: this.required(`OBX-14 (segment ${s.index})`, observedAt),
        encounterSourceId: this.m.get(pv1, 19) || null,
      });
    }
    if (out.length === 0) throw new Hl7Error('hl7.missing_segment', 'a result message needs at least one OBX segment', 'OBX');
    return out;
  }
}
