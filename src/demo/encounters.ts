import { DIABETES_DRUGS, DIABETES_LAB, HYPERTENSION_DRUGS, LAB_PANELS, OBSTETRICS } from './catalog.js';
import type { DepartmentDef, DiagnosisDef, ProcedureDef, Sex } from './catalog.js';
import { WeightedTable, instantAt } from './random.js';
import type { Random } from './random.js';
import type { DemoDiagnosis, DemoEncounter, EncounterClass } from './types.js';

/** The demo hospital keeps Beijing time; China has no daylight saving, so a fixed offset is exact. */
const UTC_OFFSET_MINUTES = 480;
const MAX_ENCOUNTERS = 8;
const ACUTE_EPISODES = new WeightedTable([[0, 35], [1, 30], [2, 18], [3, 10], [4, 7]] as const);
const HYPERTENSION: DiagnosisDef = { code: 'I10', text: '原发性高血压', weight: 1 };
const DIABETES: DiagnosisDef = { code: 'E11.9', text: '2型糖尿病不伴有并发症', weight: 1 };
type LabPanel = { text: string; result: (r: () => number) => string };

export interface Clinic {
  departments: ReadonlyMap<string, DepartmentDef>;
  doctors: ReadonlyMap<string, readonly string[]>;
  /** Where an acute complaint goes, by who has it; null when no usable department fits. */
  forChild: WeightedTable<DepartmentDef> | null;
  forMan: WeightedTable<DepartmentDef> | null;
  forWoman: WeightedTable<DepartmentDef> | null;
}

export function buildClinic(departments: readonly DepartmentDef[], doctorsByDepartment: ReadonlyMap<string, readonly string[]>): Clinic {
  const usable = departments.filter((d) => (doctorsByDepartment.get(d.code)?.length ?? 0) > 0);
  const table = (weight: (d: DepartmentDef) => number) => {
    const entries = usable.map((d) => [d, weight(d)] as const).filter(([, w]) => w > 0);
    return entries.length > 0 ? new WeightedTable(entries) : null;
  };
  return {
    departments: new Map(usable.map((d) => [d.code, d])),
    doctors: doctorsByDepartment,
    forChild: table((d) => d.childWeight),
    forMan: table((d) => (d.code === 'OBGY' ? 0 : d.adultWeight)),
    forWoman: table((d) => d.adultWeight),
  };
}

export interface ClinicalProfile {
  age: number;
  sex: Sex;
  /** Inclusive day numbers: nothing starts before birth or the history window; everything ends before today. */
  firstDay: number;
  lastDay: number;
  hypertension: boolean;
  diabetes: boolean;
  pregnancy: boolean;
  physicalExam: boolean;
}

export interface ClinicalStory {
  encounters: DemoEncounter[];
  hadSurgery: boolean;
  /** Pregnant now or delivered within the last year. */
  maternity: boolean;
}

export function writeClinicalStory(rng: Random, clinic: Clinic, profile: ClinicalProfile): ClinicalStory {
  return new StoryWriter(rng, clinic, profile).write();
}

/** A visit that starts and ends on one day; ranges are drawn from, so call sites read as a description. */
interface Visit {
  cls: EncounterClass;
  dept: DepartmentDef;
  doctor: string;
  day: number;
  /** Minute of the local day it starts; clinic hours when left out. */
  minute?: number;
  minutes: readonly [number, number];
  cents: readonly [number, number];
  summary: string | null;
  diagnoses: readonly (DiagnosisDef | undefined)[];
  procedures?: readonly (ProcedureDef | undefined)[];
}

/** Admission to discharge; the operation or main procedure is done the day after admission. */
interface Stay {
  cls: 'inpatient' | 'surgery';
  dept: DepartmentDef;
  doctor: string;
  day: number;
  nights: number;
  diagnosis: DiagnosisDef;
  procedure: ProcedureDef | undefined;
  baseCents: number;
  summary: string;
}

const CLINIC_HOURS = [480, 1000] as const;

class StoryWriter {
  private readonly encounters: DemoEncounter[] = [];
  private hadSurgery = false;
  private maternity = false;

  constructor(
    private readonly rng: Random,
    private readonly clinic: Clinic,
    private readonly p: ClinicalProfile,
  ) {}

  write(): ClinicalStory {
    const { rng, p } = this;
    if (p.lastDay - p.firstDay >= 30) {
      if (p.hypertension) this.chronicCare('CARD', 'I10');
      if (p.diabetes) this.chronicCare('ENDO', rng.chance(0.15) ? 'E11.4' : 'E11.9');
      if (p.pregnancy) this.pregnancy();
      if (p.physicalExam) this.physicalExam();
      const acute = ACUTE_EPISODES.pick(rng);
      for (let i = 0; i < acute; i++) this.acuteEpisode();
    }
    while (this.encounters.length > MAX_ENCOUNTERS) this.encounters.splice(rng.int(0, this.encounters.length - 1), 1);
    this.encounters.sort((a, b) => (a.startAt < b.startAt ? -1 : a.startAt > b.startAt ? 1 : 0));
    return { encounters: this.encounters, hadSurgery: this.hadSurgery, maternity: this.maternity };
  }

  /** Chronic patients return every few months to the same doctor; that rhythm is what follow-up plans key on. */
  private chronicCare(deptCode: string, code: string): void {
    const { rng, p } = this;
    const dept = this.clinic.departments.get(deptCode);
    const diagnosis = dept?.diagnoses.find((d) => d.code === code);
    const doctor = dept && this.doctor(dept);
    if (!dept || !diagnosis || !doctor) return;
    const visits = rng.int(2, 5);
    const step = (p.lastDay - p.firstDay) / visits;
    const drug = rng.pick(code === 'I10' ? HYPERTENSION_DRUGS : DIABETES_DRUGS);
    for (let v = 0; v < visits; v++) {
      const day = p.firstDay + Math.floor(step * v + rng.next() * step * 0.8);
      const summary = code === 'I10'
        ? `高血压复诊，血压 ${rng.int(118, 165)}/${rng.int(70, 100)} mmHg，继续${drug}治疗`
        : `糖尿病复诊，继续${drug}治疗，控制饮食`;
      const secondary = code === 'I10' && rng.chance(0.3) ? dept.diagnoses.find((d) => d.code === 'E78.5') : undefined;
      const procedures = rng.chance(0.3) ? [dept.procedures[0]] : [];
      this.visit({ cls: 'outpatient', dept, doctor, day, minutes: [10, 30], cents: [3000, 40000], summary, diagnoses: [diagnosis, secondary], procedures });
      if (code !== 'I10' && rng.chance(0.5)) this.lab(dept, doctor, day, [DIABETES_LAB]);
    }
  }

  private pregnancy(): void {
    const { rng, p } = this;
    const dept = this.clinic.departments.get('OBGY');
    const doctor = dept && this.doctor(dept);
    if (!dept || !doctor) return;
    const deliveryDay = rng.int(p.firstDay + 200, p.lastDay + 200);
    this.maternity = deliveryDay > p.lastDay - 365;
    for (const weeksBefore of [28, 20, 12, 4]) {
      const day = deliveryDay - weeksBefore * 7 + rng.int(-5, 5);
      if (day < p.firstDay || day > p.lastDay || rng.chance(0.25)) continue;
      const summary = `孕${40 - weeksBefore}周产检，母胎情况良好`;
      const procedures = [rng.pick(OBSTETRICS.prenatalExams)];
      this.visit({ cls: 'outpatient', dept, doctor, day, minutes: [15, 40], cents: [20000, 80000], summary, diagnoses: [OBSTETRICS.prenatal], procedures });
    }
    const cesarean = rng.chance(0.35);
    const { diagnosis, procedure, stayDays } = cesarean ? OBSTETRICS.cesarean : OBSTETRICS.vaginal;
    const nights = rng.int(stayDays[0], stayDays[1]);
    if (deliveryDay + nights > p.lastDay) return;
    this.hadSurgery ||= cesarean;
    const summary = `${diagnosis.text}，母婴平安，住院${nights}天出院`;
    const cls = cesarean ? 'surgery' : 'inpatient';
    this.stay({ cls, dept, doctor, day: deliveryDay, nights, diagnosis, procedure, baseCents: cesarean ? 2_000_000 : 800_000, summary });
  }

  private physicalExam(): void {
    const { rng, p } = this;
    const dept = this.clinic.departments.get('PHEX');
    const doctor = dept && this.doctor(dept);
    const diagnosis = dept?.diagnoses[0];
    if (!dept || !doctor || !diagnosis) return;
    const day = rng.int(p.firstDay, p.lastDay);
    const summary = rng.chance(0.7) ? '年度健康体检，未见明显异常' : '健康体检，血脂偏高，建议专科随诊';
    const procedures = dept.procedures.filter(() => rng.chance(0.7));
    this.visit({ cls: 'exam', dept, doctor, day, minute: rng.int(450, 600), minutes: [90, 180], cents: [30000, 150000], summary, diagnoses: [diagnosis], procedures });
  }

  /** Most complaints are one outpatient visit; a few become an admission, an examination or an operation. */
  private acuteEpisode(): void {
    const { rng, p, clinic } = this;
    const table = p.age < 14 ? clinic.forChild : p.sex === 'male' ? clinic.forMan : clinic.forWoman;
    const dept = table?.pick(rng);
    const doctor = dept && this.doctor(dept);
    const diagnosis = dept && this.pickDiagnosis(dept.diagnoses);
    if (!dept || !doctor || !diagnosis) return;
    const day = rng.int(p.firstDay, p.lastDay);
    const roll = rng.next();
    if (dept.code === 'EMER') {
      const summary = rng.chance(0.7) ? `急诊：${diagnosis.text}，处理后好转离院` : `急诊：${diagnosis.text}，留观后离院`;
      const procedures = rng.chance(0.6) ? [rng.pick(dept.procedures)] : [];
      // Emergencies arrive at any hour and may run past midnight, so they start no later than the day before yesterday.
      const start = { day: Math.min(day, p.lastDay - 1), minute: rng.int(0, 1439) };
      this.visit({ cls: 'emergency', dept, doctor, ...start, minutes: [60, 360], cents: [20000, 300000], summary, diagnoses: [diagnosis], procedures });
    } else if (roll < 0.05 && dept.surgeries.length > 0) {
      this.surgery(dept, doctor);
    } else if (roll < 0.1 && dept.admits.length > 0) {
      const admitted = this.pickDiagnosis(dept.diagnoses.filter((d) => dept.admits.includes(d.code)));
      const nights = rng.int(3, 12);
      const admission = rng.int(p.firstDay, p.lastDay - nights);
      if (!admitted || admission < p.firstDay) return;
      const summary = `因${admitted.text}入院，治疗后好转，住院${nights}天出院`;
      const procedure = rng.pick(dept.procedures);
      this.stay({ cls: 'inpatient', dept, doctor, day: admission, nights, diagnosis: admitted, procedure, baseCents: 0, summary });
    } else if (roll < 0.17 && dept.procedures.some((pr) => !pr.treatment)) {
      const exam = rng.pick(dept.procedures.filter((pr) => !pr.treatment));
      const summary = rng.chance(0.6) ? `${exam.text}：未见明显异常` : `${exam.text}：提示轻度异常，建议专科随访`;
      this.visit({ cls: 'exam', dept, doctor, day, minutes: [15, 60], cents: [10000, 150000], summary, diagnoses: [diagnosis], procedures: [exam] });
    } else {
      const advice = `予${rng.pick(['对症治疗', '口服药物治疗', '健康宣教'])}，嘱${rng.int(1, 4)}周后复诊`;
      const summary = rng.chance(0.1) ? null : `${diagnosis.text}，${advice}`;
      const procedures = rng.chance(0.35) ? [rng.pick(dept.procedures)] : [];
      this.visit({ cls: 'outpatient', dept, doctor, day, minutes: [8, 40], cents: [3000, 60000], summary, diagnoses: [diagnosis], procedures });
      if (rng.chance(0.2)) this.lab(dept, doctor, day, [rng.pick(LAB_PANELS)]);
      const revisit = day + rng.int(7, 21);
      if (rng.chance(0.25) && revisit <= p.lastDay) {
        const followUp = `${diagnosis.text}复诊，症状好转`;
        this.visit({ cls: 'outpatient', dept, doctor, day: revisit, minutes: [8, 25], cents: [2000, 30000], summary: followUp, diagnoses: [diagnosis] });
      }
    }
  }

  private surgery(dept: DepartmentDef, doctor: string): void {
    const { rng, p } = this;
    const candidates = dept.surgeries.flatMap((s) => {
      const diagnosis = dept.diagnoses.find((d) => d.code === s.diagnosis);
      return diagnosis && this.fits(diagnosis) ? [{ ...s, diagnosis }] : [];
    });
    if (candidates.length === 0) return;
    const { diagnosis, procedure, stayDays } = rng.pick(candidates);
    const nights = rng.int(stayDays[0], stayDays[1]);
    // Room for the clinic visit that usually precedes a planned operation.
    const admission = rng.int(p.firstDay + 28, p.lastDay - nights);
    if (admission < p.firstDay + 28) return;
    this.hadSurgery = true;
    if (rng.chance(0.6)) {
      const day = admission - rng.int(7, 28);
      this.visit({ cls: 'outpatient', dept, doctor, day, minutes: [10, 30], cents: [3000, 30000], summary: `${diagnosis.text}，建议手术治疗`, diagnoses: [diagnosis] });
    }
    const summary = `因${diagnosis.text}行${procedure.text}，术后恢复良好，住院${nights}天出院`;
    this.stay({ cls: 'surgery', dept, doctor, day: admission, nights, diagnosis, procedure, baseCents: 1_500_000, summary });
  }

  private lab(dept: DepartmentDef, doctor: string, day: number, panels: readonly LabPanel[]): void {
    const { rng } = this;
    const minute = rng.int(450, 600);
    const performedAt = instantAt(day, minute + 5, UTC_OFFSET_MINUTES);
    this.encounters.push({
      class: 'lab', status: 'finished', departmentCode: dept.code, attendingDoctorUsername: doctor,
      startAt: instantAt(day, minute, UTC_OFFSET_MINUTES),
      // Lab systems often report no end time for a sample taken at the counter.
      endAt: rng.chance(0.3) ? null : instantAt(day, minute + rng.int(10, 40), UTC_OFFSET_MINUTES),
      chargesCents: rng.int(5000, 40000),
      summary: panels.map((panel) => panel.result(() => rng.next())).join('；'),
      diagnoses: [],
      procedures: panels.map((panel) => ({ code: null, text: panel.text, performedAt })),
    });
  }

  private visit(v: Visit): void {
    const { rng } = this;
    const minute = v.minute ?? rng.int(CLINIC_HOURS[0], CLINIC_HOURS[1]);
    const minutes = rng.int(v.minutes[0], v.minutes[1]);
    const performedAt = instantAt(v.day, minute + Math.min(minutes, 15), UTC_OFFSET_MINUTES);
    this.encounters.push({
      class: v.cls, status: 'finished', departmentCode: v.dept.code, attendingDoctorUsername: v.doctor,
      startAt: instantAt(v.day, minute, UTC_OFFSET_MINUTES),
      endAt: instantAt(v.day, minute + minutes, UTC_OFFSET_MINUTES),
      chargesCents: rng.int(v.cents[0], v.cents[1]),
      summary: v.summary,
      diagnoses: toDiagnoses(v.diagnoses),
      procedures: (v.procedures ?? []).flatMap((pr) => (pr ? [{ code: pr.code, text: pr.text, performedAt }] : [])),
    });
  }

  private stay(s: Stay): void {
    const { rng, p } = this;
    const performedAt = instantAt(s.day + 1, rng.int(480, 960), UTC_OFFSET_MINUTES);
    this.encounters.push({
      class: s.cls, status: 'finished', departmentCode: s.dept.code, attendingDoctorUsername: s.doctor,
      startAt: instantAt(s.day, rng.int(480, 1200), UTC_OFFSET_MINUTES),
      endAt: instantAt(s.day + s.nights, rng.int(540, 720), UTC_OFFSET_MINUTES),
      chargesCents: s.baseCents + s.nights * rng.int(80_000, 250_000),
      summary: s.summary,
      // Known chronic conditions are coded on every admission, as discharge records list comorbidities.
      diagnoses: toDiagnoses([s.diagnosis, p.hypertension ? HYPERTENSION : undefined, p.diabetes ? DIABETES : undefined]),
      procedures: s.procedure ? [{ code: s.procedure.code, text: s.procedure.text, performedAt }] : [],
    });
  }

  private doctor(dept: DepartmentDef): string | undefined {
    const doctors = this.clinic.doctors.get(dept.code);
    return doctors && doctors.length > 0 ? this.rng.pick(doctors) : undefined;
  }

  private fits(d: DiagnosisDef): boolean {
    const { age, sex } = this.p;
    return (d.sex === undefined || d.sex === sex) && (d.minAge === undefined || age >= d.minAge) && (d.maxAge === undefined || age <= d.maxAge);
  }

  private pickDiagnosis(options: readonly DiagnosisDef[]): DiagnosisDef | undefined {
    let total = 0;
    for (const d of options) if (this.fits(d)) total += d.weight;
    let target = this.rng.next() * total;
    for (const d of options) {
      if (!this.fits(d)) continue;
      target -= d.weight;
      if (target < 0) return d;
    }
    return undefined;
  }
}

function toDiagnoses(list: readonly (DiagnosisDef | undefined)[]): DemoDiagnosis[] {
  const out: DemoDiagnosis[] = [];
  for (const d of list) {
    if (d && !out.some((o) => o.code === d.code)) out.push({ code: d.code, text: d.text, primary: out.length === 0 });
  }
  return out;
}
