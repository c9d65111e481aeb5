import type { TemplateSet } from '../messaging/templates.js';

const both = (name: string, variables: string[], zh: string, en: string, subject: { zh: string; en: string }): TemplateSet => [
  { name, locale: 'zh-CN', body: zh, variables, subject: subject.zh },
  { name, locale: 'en', body: en, variables, subject: subject.en },
];
const visit = ['patientName', 'department', 'doctor', 'time'];

/** Appointment notices and reminders, and the booking page's one-time code (SMS only). */
export const appointmentTemplates: TemplateSet = [
  ...both(
    'appointment.confirmation',
    visit,
    '{patientName}您好，您已预约{time} {department}{doctor}医生门诊，请提前15分钟到达并携带身份证。',
    'Dear {patientName}, you are booked with Dr {doctor} ({department}) at {time}. Please arrive 15 minutes early with your ID card.',
    { zh: '预约成功', en: 'Appointment booked' },
  ),
  ...both(
    'appointment.requested',
    visit,
    '{patientName}您好，您申请的{time} {department}{doctor}医生门诊已收到，待科室确认后短信通知您。',
    'Dear {patientName}, your request for Dr {doctor} ({department}) at {time} is received; we will text you once the department confirms it.',
    { zh: '预约申请已收到', en: 'Appointment request received' },
  ),
  ...both(
    'appointment.reminder',
    visit,
    '{patientName}您好，提醒您{time}在{department}{doctor}医生处就诊，请按时到达。如需取消请提前办理。',
    'Dear {patientName}, a reminder of your appointment with Dr {doctor} ({department}) at {time}. Please cancel ahead if you cannot come.',
    { zh: '就诊提醒', en: 'Appointment reminder' },
  ),
  ...both(
    'appointment.cancelled',
    visit,
    '{patientName}您好，您{time} {department}{doctor}医生的预约已取消。',
    'Dear {patientName}, your appointment with Dr {doctor} ({department}) at {time} is cancelled.',
    { zh: '预约已取消', en: 'Appointment cancelled' },
  ),
  ...both(
    'appointment.session-stopped',
    [...visit, 'link'],
    '{patientName}您好，很抱歉，{department}{doctor}医生{time}停诊，您的预约已取消。改约请点击：{link}',
    'Dear {patientName}, we are sorry: Dr {doctor} ({department}) cannot hold the clinic at {time}, so your appointment is cancelled. Rebook here: {link}',
    { zh: '停诊通知', en: 'Clinic cancelled' },
  ),
  ...both(
    'appointment.waitlist-offer',
    [...visit, 'link', 'minutes'],
    '{patientName}您好，{department}{doctor}医生{time}有空余号源，为您保留{minutes}分钟，点击确认预约：{link}',
    'Dear {patientName}, a place with Dr {doctor} ({department}) at {time} is free and held for you for {minutes} minutes. Book it here: {link}',
    { zh: '候补号源', en: 'A place for you' },
  ),
  { name: 'appointment.code', locale: 'zh-CN', channel: 'sms', body: '您的预约验证码为{code}，{minutes}分钟内有效。请勿告诉他人。', variables: ['code', 'minutes'] },
  { name: 'appointment.code', locale: 'en', channel: 'sms', body: 'Your booking code is {code}, valid for {minutes} minutes. Do not share it.', variables: ['code', 'minutes'] },
];
