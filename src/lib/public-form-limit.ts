import { statement, type Tx } from '../../db/client.js';
import { publicFormHits } from '../../db/schema/public-forms.js';
import type { ServiceContext } from './context.js';
import { TooManyRequests } from './errors.js';

const WINDOW_MS = 3_600_000;

/**
 * The hourly limit per address on the patients' public forms (questions, feedback). Counts this address's hits in
 * the last hour and records this one in the caller's transaction, so a refused or failed submission leaves no hit.
 * Beside Idempotency-Key in lib: any module with a public form uses it, none owns it.
 */
export function limitPublicForm(tx: Tx, ctx: Pick<ServiceContext, 'now'>, hit: { form: string; ip: string; perHour: number; code: string; detail: string }): void {
  const since = new Date(ctx.now.getTime() - WINDOW_MS).toISOString();
  const earlier = (statement(tx, 'SELECT count(*) AS n FROM public_form_hits WHERE form = ? AND ip = ? AND at >= ?').get(hit.form, hit.ip, since) as { n: number }).n;
  if (earlier >= hit.perHour) throw new TooManyRequests(hit.code, hit.detail, WINDOW_MS / 1000);
  tx.insert(publicFormHits).values({ form: hit.form, ip: hit.ip, at: ctx.now.toISOString() }).run();
  statement(tx, 'DELETE FROM public_form_hits WHERE at < ?').run(since);
}
