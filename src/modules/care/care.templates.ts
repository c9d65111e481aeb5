/**
 * Care's message templates, checked by messaging at start. Variables are filled by care when it enqueues.
 * A campaign's text is written by staff: care personalises it ({patientName}) and hands it over whole as
 * `campaignText`, so messaging's segment count and consent rules apply to it like to any template.
 */
export interface TemplateDefinition {
  name: string;
  locale: 'zh-CN' | 'en';
  channel?: 'sms' | 'email';
  subject?: string;
  body: string;
  variables: string[];
}
export type TemplateSet = TemplateDefinition[];

const both = (name: string, variables: string[], zh: string, en: string, subject?: { zh: string; en: string }): TemplateSet => [
  { name, locale: 'zh-CN', body: zh, variables, ...(subject ? { subject: subject.zh } : {}) },
  { name, locale: 'en', body: en, variables, ...(subject ? { subject: subject.en } : {}) },
];

export const careTemplates: TemplateSet = [
  ...both(
    'care.medication',
    ['patientName', 'drug', 'dose', 'time'],
    '{patientName}您好，现在是{time}，请按医嘱服用{drug}，{dose}。',
    'Dear {patientName}, it is {time}: please take {drug}, {dose}, as prescribed.',
    { zh: '用药提醒', en: 'Medication reminder' },
  ),
  ...both(
    'care.recheck',
    ['patientName', 'date', 'department', 'bring'],
    '{patientName}您好，请于{date}到{department}复查。请携带：{bring}。',
    'Dear {patientName}, your re-check is on {date} at {department}. Please bring: {bring}.',
    { zh: '复查提醒', en: 'Re-check reminder' },
  ),
  ...both('care.free-text', ['patientName', 'text'], '{patientName}您好，{text}', 'Dear {patientName}, {text}', { zh: '健康关怀', en: 'Care reminder' }),
  ...both(
    'care.birthday',
    ['patientName'],
    '{patientName}您好，祝您生日快乐，身体健康！',
    'Dear {patientName}, happy birthday and good health from all of us!',
    { zh: '生日祝福', en: 'Happy birthday' },
  ),
  ...both(
    'care.festival',
    ['patientName', 'festival'],
    '{patientName}您好，{festival}快乐！祝您和家人安康。',
    'Dear {patientName}, best wishes for the {festival} to you and your family.',
    { zh: '节日问候', en: 'Season’s greetings' },
  ),
  ...both('care.campaign', ['campaignText'], '{campaignText}', '{campaignText}', { zh: '健康宣教', en: 'Health education' }),
];
