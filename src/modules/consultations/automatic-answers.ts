import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { openSessionsNamedIn, type NamedSchedule } from '../appointments/appointments.quotes.js';
import { HOSPITAL_INFORMATION_CATEGORIES } from './callcentre.deps.js';
import { bestArticleFor } from './knowledge.service.js';

export interface AutomaticAnswer {
  category: string;
  text: string;
  /** The standard answer quoted; null when the answer is the live schedule. */
  articleVersionId: string | null;
}

/** Words that make an SMS (which names no category) a question about sessions or free places. */
const ASKS_SCHEDULE = /出诊|坐诊|号源|有号|余号|挂号|预约|门诊时间|哪天|什么时候|session|slot|appointment/i;
/**
 * A patient cancelling or moving a booking ("取消预约", "退号") names the same words as one asking for a place, but
 * wants something done with their own appointment: no schedule or standard answer does that, an agent does.
 */
const CHANGES_BOOKING = /取消|退号|退约|退掉|改约|改期|改时间|换个时间|cancel|reschedul/i;
const HALF_DAY = { morning: '上午', afternoon: '下午', evening: '晚上' } as const;

/**
 * The answer given at once to a hospital-information question from SMS or the web form, or undefined (an agent
 * answers). A question about a doctor's sessions or free places that names a doctor or department is answered
 * from the live schedule; the rest from the knowledge base. `category` is the web form's; an SMS has none. A
 * question about cancelling or moving a booking always goes to an agent.
 */
export function automaticAnswer(tx: Tx, ctx: ServiceContext, question: string, category?: string): AutomaticAnswer | undefined {
  if (CHANGES_BOOKING.test(question)) return undefined;
  const asksSchedule = category !== undefined ? category === 'doctor_sessions' : ASKS_SCHEDULE.test(question);
  if (asksSchedule) {
    const live = openSessionsNamedIn(tx, ctx, question, { limit: 3 });
    if (live) return { category: 'doctor_sessions', text: scheduleText(ctx, live), articleVersionId: null };
  }
  const candidates = category !== undefined ? [category].filter((c) => HOSPITAL_INFORMATION_CATEGORIES.includes(c)) : HOSPITAL_INFORMATION_CATEGORIES;
  for (const c of candidates) {
    // An SMS names no category, so a word of the standard answer must match (mustMatch).
    const article = bestArticleFor(tx, c, question, category === undefined);
    if (article) return { category: c, text: article.body, articleVersionId: article.id };
  }
  return undefined;
}

/** The schedule in the words of a text message: each session with its free places, and where to book. */
function scheduleText(ctx: ServiceContext, live: NamedSchedule): string {
  const who = live.named.names.join('、') + (live.named.kind === 'doctor' ? '医生' : '');
  const book = `${ctx.messaging.settings.publicUrl}/book`;
  if (live.sessions.length === 0) return `${who}未来${live.days}天暂无可预约的号源。请留意 ${book} 或致电 ${ctx.messaging.settings.hospitalContact}。`;
  const sessions = live.sessions.map((s) => {
    const [, month, day] = s.date.split('-').map(Number);
    return `${month}月${day}日${HALF_DAY[s.halfDay]} ${s.doctor}（${s.department}）余${s.free}个号`;
  });
  return `${who}近期可预约的出诊：${sessions.join('；')}。网上预约：${book}`;
}
