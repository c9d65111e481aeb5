import type { TemplateSet } from './templates.js';

/** Messaging's own texts: the answers to inbound SMS keywords. */
export const messagingTemplates: TemplateSet = [
  { name: 'messaging.help', locale: 'zh-CN', channel: 'sms', body: '{contact}。回复TD退订短信。', variables: ['contact'] },
  { name: 'messaging.help', locale: 'en', channel: 'sms', body: '{contact}. Reply STOP to unsubscribe.', variables: ['contact'] },
  { name: 'messaging.opted-out', locale: 'zh-CN', channel: 'sms', body: '您已退订本院短信。回复START可重新订阅。', variables: [] },
  { name: 'messaging.opted-out', locale: 'en', channel: 'sms', body: 'You are unsubscribed from our texts. Reply START to subscribe again.', variables: [] },
  { name: 'messaging.opted-in', locale: 'zh-CN', channel: 'sms', body: '您已重新订阅本院短信。回复TD退订。', variables: [] },
  { name: 'messaging.opted-in', locale: 'en', channel: 'sms', body: 'You are subscribed to our texts again. Reply STOP to unsubscribe.', variables: [] },
];
