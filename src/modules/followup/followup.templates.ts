import type { TemplateSet } from '../messaging/templates.js';

const both = (name: string, variables: string[], zh: string, en: string, subject: { zh: string; en: string }): TemplateSet => [
  { name, locale: 'zh-CN', body: zh, variables, subject: subject.zh },
  { name, locale: 'en', body: en, variables, subject: subject.en },
];

/** Follow-up's messages: questionnaire links, their one reminder, re-check visits and plan care reminders. */
export const followupTemplates: TemplateSet = [
  ...both(
    'followup.invitation',
    ['patientName', 'questionnaire', 'link', 'expires'],
    '{patientName}您好，请填写《{questionnaire}》：{link} （{expires}前有效）',
    'Dear {patientName}, please answer "{questionnaire}": {link} (open until {expires})',
    { zh: '随访问卷', en: 'Follow-up questionnaire' },
  ),
  ...both(
    'followup.invitation-reminder',
    ['patientName', 'questionnaire', 'link', 'expires'],
    '{patientName}您好，《{questionnaire}》尚未填写，请点击：{link} （{expires}前有效）',
    'Dear {patientName}, a reminder to answer "{questionnaire}": {link} (open until {expires})',
    { zh: '随访问卷提醒', en: 'Questionnaire reminder' },
  ),
  ...both(
    'followup.recheck',
    ['patientName', 'date', 'department'],
    '{patientName}您好，医生请您于{date}前后到{department}复诊，请提前预约。',
    'Dear {patientName}, your doctor asks you to come back to {department} around {date}; please book ahead.',
    { zh: '复诊提醒', en: 'Follow-up visit' },
  ),
  ...both('followup.care-text', ['patientName', 'text'], '{patientName}您好，{text}', 'Dear {patientName}, {text}', { zh: '随访关怀', en: 'Follow-up care' }),
];
