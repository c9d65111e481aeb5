import { localDate } from '../../../lib/clock.js';
import type { EncounterFacts } from '../../patients/encounter-events.js';
import type { PlanDefinition, Trigger } from './plan-definition.js';

/**
 * What a visit sets off, and from which day the steps count: a discharge from the day the inpatient stay ended,
 * an outpatient or emergency visit from its day, a surgery from the day it ended. A planned or cancelled visit
 * sets off nothing.
 */
export function triggersOf(e: EncounterFacts, timeZone: string): { trigger: Trigger; anchorDate: string }[] {
  if (e.status === 'planned' || e.status === 'cancelled') return [];
  const out: { trigger: Trigger; anchorDate: string }[] = [];
  if (e.class === 'inpatient' && e.endAt) out.push({ trigger: 'discharge', anchorDate: localDate(new Date(e.endAt), timeZone) });
  if (e.class === 'outpatient' || e.class === 'emergency') out.push({ trigger: 'outpatient-visit', anchorDate: localDate(new Date(e.startAt), timeZone) });
  if (e.class === 'surgery' || e.procedureCount > 0) out.push({ trigger: 'surgery', anchorDate: localDate(new Date(e.endAt ?? e.startAt), timeZone) });
  return out;
}

/** Whole years from a birth date to a day (YYYY-MM-DD both). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/**
 * Whether a plan's conditions hold for a visit; when they do, the reasons in words (shown on the patient page as
 * "why"), else null. `departmentCode` is the visit's department's code.
 */
export function matchConditions(plan: PlanDefinition, e: EncounterFacts, departmentCode: string | null, anchorDate: string): string[] | null {
  const c = plan.conditions;
  const reasons: string[] = [];
  if (c.departments) {
    if (!departmentCode || !c.departments.includes(departmentCode)) return null;
    reasons.push(`department ${departmentCode}`);
  }
  if (c.encounterClasses) {
    if (!c.encounterClasses.includes(e.class)) return null;
    reasons.push(`visit class ${e.class}`);
  }
  if (c.diagnosisPrefixes) {
    const hit = e.diagnosisCodes.find((code) => c.diagnosisPrefixes!.some((p) => code.toUpperCase().startsWith(p)));
    if (!hit) return null;
    reasons.push(`diagnosis ${hit}`);
  }
  if (c.minAge !== undefined || c.maxAge !== undefined) {
    if (!e.birthDate) return null;
    const age = ageOn(e.birthDate, anchorDate);
    if ((c.minAge !== undefined && age < c.minAge) || (c.maxAge !== undefined && age > c.maxAge)) return null;
    reasons.push(`age ${age}`);
  }
  return reasons;
}
