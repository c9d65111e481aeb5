import type { TemplateSet } from '../messaging/templates.js';

/** Answers and resolutions sent to patients by the call centre; filled by consultations and feedback. */
export const callCentreTemplates: TemplateSet = [
  { name: 'consultations.answer', locale: 'zh-CN', subject: '您的咨询答复', body: '您好，关于您的咨询“{question}”：{answer}', variables: ['question', 'answer'] },
  { name: 'consultations.answer', locale: 'en', subject: 'Answer to your question', body: 'Hello, about your question "{question}": {answer}', variables: ['question', 'answer'] },
  { name: 'feedback.resolution', locale: 'zh-CN', subject: '您的反馈处理结果', body: '您好，您反馈的问题已处理：{resolution}', variables: ['resolution'] },
  { name: 'feedback.resolution', locale: 'en', subject: 'Your feedback', body: 'Hello, the matter you raised has been dealt with: {resolution}', variables: ['resolution'] },
];
