import type { TemplateSet } from '../../src/modules/messaging/templates.js';
import type { MessagingSettings } from '../../src/config.js';

/** Templates the messaging tests send: an appointment reminder, a campaign e-mail, and a free text to overflow. */
export const testTemplates: TemplateSet = [
  {
    name: 'test.reminder',
    locale: 'zh-CN',
    body: '{name}您好，您已预约{department}{doctor}医生{time}的门诊，请按时就诊。',
    subject: '门诊预约提醒',
    variables: ['name', 'department', 'doctor', 'time'],
  },
  {
    name: 'test.reminder',
    locale: 'en',
    body: 'Dear {name}, your appointment with Dr {doctor} ({department}) is at {time}.',
    subject: 'Appointment reminder',
    variables: ['name', 'department', 'doctor', 'time'],
  },
  { name: 'test.campaign', locale: 'zh-CN', subject: '冬季养生讲座邀请', body: '{name}您好：冬季养生讲座将于{time}在门诊楼三楼举行，欢迎参加。', variables: ['name', 'time'] },
  { name: 'test.campaign', locale: 'en', subject: 'Winter health talk', body: 'Dear {name}, our winter health talk is at {time} on the third floor.', variables: ['name', 'time'] },
  { name: 'test.free', locale: 'zh-CN', body: '{text}', variables: ['text'] },
  { name: 'test.free', locale: 'en', body: '{text}', variables: ['text'] },
];

export const reminderVariables = { name: '张三丰', department: '心内科', doctor: '李明', time: '11月24日 09:30' };

/** Rules for tests: no quiet hours unless the test sets them, and no rate limit worth waiting for. */
export function testSettings(overrides: Partial<MessagingSettings> = {}): Partial<MessagingSettings> {
  return {
    publicUrl: 'https://crm.hospital.example',
    hospitalContact: '北京示例医院 客服 010-12345678',
    quietHours: { start: 0, end: 0 },
    smsSegmentsPerSecond: 10_000,
    emailPerSecond: 10_000,
    ...overrides,
  };
}
