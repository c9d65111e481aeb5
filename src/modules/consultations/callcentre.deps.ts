import type { Tx } from '../../../db/client.js';
import type { StaffActor } from '../staff/permissions.js';
import { HospitalCalendar, type WorkingPeriod, type YearTable } from '../feedback/calendar.js';

/** The consultation categories a hospital starts with; the list is configuration (CallCentreSettings). */
export const DEFAULT_CONSULTATION_CATEGORIES = ['address_route', 'departments_experts', 'doctor_sessions', 'examinations', 'prices', 'beds', 'insurance', 'results', 'other'] as const;

/** Categories about the hospital itself: SMS and web questions in them are answered at once from the knowledge base. */
export const HOSPITAL_INFORMATION_CATEGORIES = ['address_route', 'departments_experts', 'doctor_sessions'];

export interface CallCentreSettings {
  consultationCategories: string[];
  /** A consultation not followed by a visit or booking within these days goes on the call-back list. */
  conversionDays: number;
  /** A call-back asked for without a time is due this many hours later. */
  callbackAfterHours: number;
  /** Outgoing calls to one patient per 7 days. */
  weeklyCallCap: number;
  /** A resolved case the patient does not answer closes after these days. */
  feedbackCloseAfterDays: number;
  /** A last satisfaction score at or under this marks the patient at risk. */
  atRiskSatisfaction: number;
  /** Department codes of the escalation groups above the department head. */
  qualityOfficeCode: string;
  leadershipCode: string;
  recordingsDir: string;
  recordingMaxBytes: number;
  recordingRetentionDays: number;
  /** Questions per address per hour on the public form. */
  publicFormPerHour: number;
  workingPeriods: readonly WorkingPeriod[];
  extraCalendarYears: Record<number, YearTable>;
}

export function defaultCallCentreSettings(dataDir: string): CallCentreSettings {
  return {
    consultationCategories: [...DEFAULT_CONSULTATION_CATEGORIES],
    conversionDays: 14,
    callbackAfterHours: 24,
    weeklyCallCap: 3,
    feedbackCloseAfterDays: 7,
    atRiskSatisfaction: 2,
    qualityOfficeCode: 'QUALITY',
    leadershipCode: 'LEADERSHIP',
    recordingsDir: `${dataDir}/recordings`,
    recordingMaxBytes: 50 * 1024 * 1024,
    recordingRetentionDays: 365,
    publicFormPerHour: 5,
    workingPeriods: [
      ['08:00', '12:00'],
      ['13:30', '17:30'],
    ],
    extraCalendarYears: {},
  };
}

/** One section of the caller card, contributed by the module that owns the data (feedback, contacts, appointments…). */
export interface CallerCardItem {
  id: string;
  at: string | null;
  text: string;
  /** Drawn to the agent's eye: an open complaint, an invalid number. */
  flagged: boolean;
  href?: string;
}

export interface CallerCardSection {
  key: string;
  /** i18n key of the heading. */
  title: string;
  /** Items the agent may see: no clinical content; the provider applies its own rules. */
  items(tx: Tx, patientId: string, viewer: StaffActor, now: Date): CallerCardItem[];
}

/** Something an agent can start from the card, like booking: a link built for the patient. */
export interface CallerCardAction {
  key: string;
  title: string;
  href(patientId: string): string;
}

/**
 * What other modules put on the caller card and the console, registered at start like timeline providers, so
 * appointments and follow-up tasks add "upcoming appointments", "open tasks" and "book" without touching this module.
 */
export class CallerCardRegistry {
  readonly #sections = new Map<string, CallerCardSection>();
  readonly #actions = new Map<string, CallerCardAction>();

  register(section: CallerCardSection): void {
    if (this.#sections.has(section.key)) throw new Error(`caller card section "${section.key}" registered twice`);
    this.#sections.set(section.key, section);
  }

  registerAction(action: CallerCardAction): void {
    if (this.#actions.has(action.key)) throw new Error(`caller card action "${action.key}" registered twice`);
    this.#actions.set(action.key, action);
  }

  sections(): CallerCardSection[] {
    return [...this.#sections.values()];
  }

  actions(): CallerCardAction[] {
    return [...this.#actions.values()];
  }
}

/** Whether a patient visited or booked after an instant; encounters today, appointments when that module registers. */
export interface VisitSource {
  kind: string;
  visitedOrBookedSince(tx: Tx, patientId: string, since: string): boolean;
}

export interface CallCentreDeps {
  settings: CallCentreSettings;
  calendar: HospitalCalendar;
  card: CallerCardRegistry;
  visitSources: VisitSource[];
}

export function createCallCentreDeps(settings: CallCentreSettings, timeZone: string): CallCentreDeps {
  return { settings, calendar: new HospitalCalendar(timeZone, settings.workingPeriods, settings.extraCalendarYears), card: new CallerCardRegistry(), visitSources: [] };
}
