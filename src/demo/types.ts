/** The shapes the demo generator hands to the seed, tests and benchmarks. */
import type { SOURCES, Sex } from './catalog.js';

export type EncounterClass = 'outpatient' | 'emergency' | 'inpatient' | 'surgery' | 'lab' | 'exam';
export interface DemoDiagnosis { code: string; text: string; primary: boolean }
export interface DemoProcedure { code: string | null; text: string; performedAt: string | null }
export interface DemoEncounter {
  class: EncounterClass;
  status: 'finished';
  departmentCode: string;
  attendingDoctorUsername: string;
  startAt: string;
  endAt: string | null;
  chargesCents: number;
  summary: string | null;
  diagnoses: DemoDiagnosis[];
  procedures: DemoProcedure[];
}

export interface DemoDepartment { code: string; nameZh: string; nameEn: string }
export interface DemoDoctor { username: string; displayName: string; title: string; departmentCode: string; specialty: string }

export type ConsentChannel = 'sms' | 'email' | 'phone';
export interface DemoPatientFile {
  name: string;
  gender: Sex;
  birthDate: string;
  residentId: string;
  phone: string;
  email: string | null;
  address: { province: string; city: string; district: string; detail: string };
  occupation: string;
  employer: string | null;
  source: (typeof SOURCES)[number][0];
  preferredLanguage: 'zh-CN' | 'en';
  preferredChannel: ConsentChannel;
  consent: { channel: ConsentChannel; purpose: 'care' | 'marketing'; granted: boolean; method: 'written' | 'verbal' | 'web' }[];
  tags: string[];
  identifiers: { system: 'his-mrn' | 'emr' | 'insurance'; value: string }[];
  emergencyContacts: { name: string; relationship: string; phone: string }[];
  pastHistory: string | null;
  familyHistory: string | null;
  allergies: { substance: string; reaction: string; severity: 'mild' | 'moderate' | 'severe' }[];
}
export interface DemoPatient { patient: DemoPatientFile; encounters: DemoEncounter[] }

