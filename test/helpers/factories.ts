import { residentIdCheckChar } from '../../src/modules/patients/resident-id.js';
import type { CreatePatientBody } from '../../src/modules/patients/patients.schemas.js';

/** A valid 18-digit resident ID number for the region, birth date and gender given. */
export function residentIdFor(birthDate: string, gender: 'male' | 'female', region = '110105', sequence = 12): string {
  const seq = sequence * 10 + (gender === 'male' ? 1 : 2);
  const first17 = `${region}${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

let serial = 0;

/** 张三丰-style patients with realistic, synthetic Chinese demographics; override what the test is about. */
export function aPatient(overrides: Partial<CreatePatientBody> = {}): CreatePatientBody {
  serial++;
  const birthDate = overrides.birthDate ?? '1968-04-12';
  const gender = overrides.gender ?? 'male';
  return {
    name: '张三丰',
    gender,
    birthDate,
    residentId: residentIdFor(birthDate, gender === 'female' ? 'female' : 'male', '110105', serial % 90),
    phone: `139${String(10000000 + serial * 7919).slice(-8)}`,
    email: `patient${serial}@example.cn`,
    address: { province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路88号' },
    occupation: '教师',
    employer: '北京市第一中学',
    source: 'walk-in',
    emergencyContacts: [{ name: '李秀英', relationship: '配偶', phone: '13900001111' }],
    preferredLanguage: 'zh-CN',
    preferredChannel: 'sms',
    consent: [{ channel: 'sms', purpose: 'care', granted: true, method: 'written' }],
    tags: ['高血压随访'],
    identifiers: [{ system: 'his-mrn', value: `MRN${String(100000 + serial)}` }],
    ...overrides,
  };
}
