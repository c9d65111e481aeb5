import { residentIdFor } from '../helpers/factories.js';

/** Synthetic HL7 v2 messages, built from parts so each test shows only what it is about. */
export interface AdtOptions {
  event: string;
  controlId: string;
  mrn?: string;
  name?: string;
  birth?: string;
  sex?: string;
  residentId?: string | null;
  phone?: string;
  visit?: string;
  department?: string;
  patientClass?: string;
  admitAt?: string;
  dischargeAt?: string;
  time?: string;
  version?: string;
  extra?: string[];
  charset?: string;
}

export function adt(o: AdtOptions): string {
  const rid = o.residentId === undefined ? residentIdFor('1968-04-12', 'male') : o.residentId;
  const pid3 = [`${o.mrn ?? 'MRN0001'}^^^HIS^MR`, ...(rid ? [`${rid}^^^CHN^NNCHN`] : [])].join('~');
  const segments = [
    `MSH|^~\\&|HIS|HOSP|HCRM|HOSP|${o.time ?? '20261120083000+0800'}||ADT^${o.event}^ADT_A01|${o.controlId}|P|${o.version ?? '2.5'}${o.charset ? `||||||${o.charset}` : ''}`,
    `EVN|${o.event}|${o.time ?? '20261120083000+0800'}`,
    `PID|1||${pid3}||${o.name ?? '张^三丰'}||${o.birth ?? '19680412'}|${o.sex ?? 'M'}|||建国路88号^^北京市^北京市^100000^CHN^H^^朝阳区||^PRN^PH^^^^^^^^^${o.phone ?? '13912345678'}`,
    `PV1|1|${o.patientClass ?? 'I'}|${o.department ?? 'CARD'}^301^2|||||||${o.department ?? 'CARD'}|||||||||${o.visit ?? 'V0001'}|||||||||||||||||||||||||${o.admitAt ?? '20261120080000+0800'}|${o.dischargeAt ?? ''}`,
    ...(o.extra ?? []),
  ];
  return `${segments.join('\r')}\r`;
}

export function siu(event: 'S12' | 'S14' | 'S15', controlId: string, start = '20261201090000+0800'): string {
  return [
    `MSH|^~\\&|HIS|HOSP|HCRM|HOSP|20261120083000+0800||SIU^${event}^SIU_S12|${controlId}|P|2.5`,
    `SCH|APT-1|APT-1||||ROUTINE|^复诊`,
    `PID|1||MRN0001^^^HIS^MR||张^三丰||19680412|M`,
    `RGS|1`,
    `AIS|1||CHK^复查|${start}`,
    `AIL|1||CARD^心内科`,
    `AIP|1||D001^王^医生`,
  ].join('\r');
}

export function oru(controlId: string): string {
  return [
    `MSH|^~\\&|LIS|HOSP|HCRM|HOSP|20261120100000+0800||ORU^R01^ORU_R01|${controlId}|P|2.5.1`,
    `PID|1||MRN0001^^^HIS^MR||张^三丰||19680412|M`,
    `OBR|1||LAB-77|GLU^血糖|||20261120073000+0800`,
    `OBX|1|NM|GLU^空腹血糖||7.8|mmol/L|3.9-6.1|H|||F`,
    `OBX|2|NM|HBA1C^糖化血红蛋白||6.9|%|4-6|H|||F`,
  ].join('\r');
}
