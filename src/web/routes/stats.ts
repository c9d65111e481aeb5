import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../lib/context.js';
import { NotFound } from '../../lib/errors.js';
import { tableToCsv } from '../../modules/stats/csv.js';
import { Channel, ListStatus } from '../../modules/stats/metrics/appointments.js';
import { resolveRange } from '../../modules/stats/periods.js';
import type { MetricRegistry, MetricTable } from '../../modules/stats/registry.js';
import * as s from '../../modules/stats/stats.schemas.js';
import { heldToDepartment, maySee, metricNamed, runDefinition, scopeQuery } from '../../modules/stats/stats.service.js';
import { listDepartments } from '../../modules/staff/staff.service.js';
import type { Assets } from '../assets.js';
import { localDateTime } from '../format.js';
import { html, raw } from '../html.js';
import type { Translate } from '../i18n/index.js';
import { pageContext, sendPage } from '../page-context.js';
import { queryOf, statsDashboardPage, statsListPage, tableBody, type StatsFilterView } from '../pages/stats.js';
import { aspectsTable, breakdownTable, commentsTable, itemsTable, MORE_TABLES, responsesTable, trendTable, type Drill } from '../stats-tables.js';

// The filter form sends every field; an empty one means "any".
const blank = (value: unknown) => (value === '' ? undefined : value);
const PageQuery = z
  .object({
    from: z.preprocess(blank, s.StatsFilter.shape.from),
    to: z.preprocess(blank, s.StatsFilter.shape.to),
    departmentId: z.preprocess(blank, s.StatsFilter.shape.departmentId),
    doctorId: z.preprocess(blank, s.StatsFilter.shape.doctorId),
    questionnaireId: z.preprocess(blank, s.StatsFilter.shape.questionnaireId),
    encounterClass: z.preprocess(blank, s.StatsFilter.shape.encounterClass),
    grain: z.preprocess(blank, s.TrendQuery.shape.grain),
    by: z.preprocess(blank, s.BreakdownQuery.shape.by),
    maxSatisfaction: z.preprocess(blank, s.CommentsQuery.shape.maxSatisfaction),
    contains: z.preprocess(blank, s.CommentsQuery.shape.contains),
    channel: z.preprocess(blank, Channel),
    status: z.preprocess(blank, ListStatus),
    lang: z.string().optional(),
  })
  .strict();
type PageQuery = z.infer<typeof PageQuery>;
const TABLES = ['breakdown', 'trend', 'aspects', 'items', 'responses', 'comments', ...Object.keys(MORE_TABLES)];

function knownTable(name: string): void {
  if (!TABLES.includes(name)) throw new NotFound('stats.unknown_table', `No table named ${name}.`);
}

/**
 * Fragments are the dashboard's lazy sections only. The first screen's tables come with the page, and a table with a
 * page of its own (responses, comments, RFM, the appointment list) is opened there: a fragment of it would be a
 * second way to a list of patients that no page asks for.
 */
function lazySection(name: string): void {
  knownTable(name);
  const more = MORE_TABLES[name];
  if (!more || more.ownPage) throw new NotFound('stats.not_a_section', `The table ${name} is not loaded into the dashboard; open /app/stats/table/${name}.`);
}
const ExportParams = z.object({ table: z.string().regex(/^[a-z][a-z-]*\.csv$/) });

/** Paths are under /app: the dashboard, the lists behind its bars, and every table as CSV. */
export const statsPages: FastifyPluginAsyncZod<{ assets: Assets; metrics: MetricRegistry }> = async (app, { assets, metrics }) => {
  const metric = (id: string) => metricNamed(metrics, id);

  /** The page's query as a metric query: the service scopes it (managers: own department) and checks the right. */
  function metricQuery(ctx: ServiceContext, q: PageQuery, t: Translate) {
    const lang = t.lang;
    const base = { from: q.from, to: q.to, departmentId: q.departmentId, doctorId: q.doctorId, questionnaireId: q.questionnaireId, encounterClass: q.encounterClass, lang };
    const scoped = scopeQuery(ctx, metric('satisfaction.summary'), base);
    const range = resolveRange(scoped, ctx.now, ctx.timeZone);
    return { ...scoped, from: range.from, to: range.to };
  }

  async function filterView(ctx: ServiceContext, q: PageQuery, t: Translate, period: { from: string; to: string }) {
    const scoped = metricQuery(ctx, q, t);
    const all = await listDepartments(ctx);
    const held = heldToDepartment(ctx, metric('satisfaction.summary'));
    const fixedDepartment = held !== undefined;
    const departments = all.filter((d) => !fixedDepartment || d.id === held).map((d) => ({ id: d.id, name: t.lang === 'en' ? d.nameEn : d.nameZh }));
    const filter: StatsFilterView = { from: period.from, to: period.to, departmentId: scoped.departmentId ?? '', doctorId: q.doctorId ?? '', grain: q.grain, by: q.by };
    return { filter, departments, departmentFixed: fixedDepartment };
  }

  async function table(ctx: ServiceContext, name: string, q: PageQuery, t: Translate, timeZone: string): Promise<{ title: string; table: MetricTable }> {
    const mq = metricQuery(ctx, q, t);
    const when = (i: string) => localDateTime(i, timeZone);
    switch (name) {
      case 'breakdown':
        return { title: t('stats.breakdown'), table: breakdownTable(t, (await runDefinition(ctx, metric('satisfaction.breakdown'), { ...mq, by: q.by })) as z.infer<typeof s.SatisfactionBreakdown>) };
      case 'trend':
        return { title: t('stats.trend'), table: trendTable(t, (await runDefinition(ctx, metric('satisfaction.trend'), { ...mq, grain: q.grain })) as z.infer<typeof s.SatisfactionTrend>) };
      case 'aspects':
        return { title: t('stats.aspects'), table: aspectsTable(t, (await runDefinition(ctx, metric('satisfaction.aspects'), mq)) as z.infer<typeof s.AspectScores>) };
      case 'items':
        return { title: t('stats.lowestItems'), table: itemsTable(t, (await runDefinition(ctx, metric('satisfaction.lowest-items'), { ...mq, limit: 10 })) as z.infer<typeof s.LowestItems>) };
      case 'responses':
        return { title: t('stats.responses'), table: responsesTable(t, (await runDefinition(ctx, metric('satisfaction.responses'), { ...mq, limit: 500 })) as z.infer<typeof s.ResponsesBehind>, when) };
      case 'comments':
        return {
          title: t('stats.comments'),
          table: commentsTable(t, (await runDefinition(ctx, metric('satisfaction.comments'), { ...mq, limit: 500, maxSatisfaction: q.maxSatisfaction, contains: q.contains })) as z.infer<typeof s.Comments>, when),
        };
      default: {
        const more = MORE_TABLES[name];
        if (!more) throw new NotFound('stats.unknown_table', `No table named ${name}.`);
        const result = await runDefinition(ctx, metric(more.metric), { ...mq, ...more.query?.({ grain: q.grain, channel: q.channel, status: q.status }) });
        const drill: Drill = (to, extra) => `/app/stats/table/${to}?${queryOf({ from: mq.from, to: mq.to, departmentId: mq.departmentId ?? '', doctorId: mq.doctorId ?? '' }, extra)}`;
        return { title: t(more.title), table: more.build(t, result, when, drill) };
      }
    }
  }

  app.get('/stats', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const q = request.query;
    const mq = metricQuery(ctx, q, page.t);
    const summary = (await runDefinition(ctx, metric('satisfaction.summary'), mq)) as z.infer<typeof s.SatisfactionSummary>;
    const breakdown = (await runDefinition(ctx, metric('satisfaction.breakdown'), { ...mq, by: q.by })) as z.infer<typeof s.SatisfactionBreakdown>;
    const trend = (await runDefinition(ctx, metric('satisfaction.trend'), { ...mq, grain: q.grain })) as z.infer<typeof s.SatisfactionTrend>;
    const tables = [
      { name: 'breakdown', title: page.t('stats.breakdown'), table: breakdownTable(page.t, breakdown) },
      { name: 'trend', title: page.t('stats.trend'), table: trendTable(page.t, trend) },
      { name: 'aspects', ...(await table(ctx, 'aspects', q, page.t, ctx.timeZone)) },
      { name: 'items', ...(await table(ctx, 'items', q, page.t, ctx.timeZone)) },
    ];
    const lazyTables = Object.entries(MORE_TABLES)
      .filter(([, more]) => maySee(ctx, metric(more.metric)) && !more.ownPage)
      .map(([name, more]) => ({ name, title: page.t(more.title) }));
    const fv = await filterView(ctx, q, page.t, summary.period);
    const ownPages = Object.entries(MORE_TABLES)
      .filter(([, more]) => more.ownPage)
      .map(([name, more]) => ({ name, title: page.t(more.title) }));
    return sendPage(reply, statsDashboardPage(page, { ...fv, summary, breakdown, trend, tables, lazyTables, ownPages }));
  });

  const TableParams = z.object({ name: z.string().max(32) });
  for (const path of ['/stats/responses', '/stats/comments', '/stats/table/:name'] as const) {
    app.get(path, { schema: { hide: true, querystring: PageQuery, params: path.endsWith(':name') ? TableParams : z.object({}) } }, async (request, reply) => {
      const ctx = request.ctx();
      const page = pageContext(request, assets);
      const q = request.query;
      const name = path.endsWith(':name') ? (request.params as unknown as { name: string }).name : path.slice('/stats/'.length);
      knownTable(name);
      const mq = metricQuery(ctx, q, page.t);
      const built = await table(ctx, name, q, page.t, ctx.timeZone);
      const fv = await filterView(ctx, q, page.t, { from: mq.from, to: mq.to });
      const extra =
        name === 'comments'
          ? html`<label>${page.t('stats.maxSatisfaction')}<input type="number" name="maxSatisfaction" min="0" max="10" value="${q.maxSatisfaction ?? ''}"></label>
  <label>${page.t('stats.contains')}<input type="text" name="contains" maxlength="100" value="${q.contains ?? ''}"></label>`
          : raw('');
      const exportQuery = queryOf({ ...fv.filter }, { ...(q.maxSatisfaction !== undefined ? { maxSatisfaction: String(q.maxSatisfaction) } : {}), ...(q.contains ? { contains: q.contains } : {}), ...(q.questionnaireId ? { questionnaireId: q.questionnaireId } : {}), ...(q.encounterClass ? { encounterClass: q.encounterClass } : {}), ...(q.channel ? { channel: q.channel } : {}), ...(q.status ? { status: q.status } : {}) });
      return sendPage(reply, statsListPage(page, { title: built.title, action: path.endsWith(':name') ? `/app/stats/table/${name}` : `/app/stats/${name}`, filterView: fv, extra, name, table: built.table, exportHref: `/app/stats/export/${name}.csv?${exportQuery}` }));
    });
  }

  // A table's content for the dashboard's lazy sections: the same table (and checks) as its page and its CSV.
  app.get('/stats/fragment/:name', { schema: { hide: true, querystring: PageQuery, params: TableParams } }, async (request, reply) => {
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const { name } = request.params;
    lazySection(name);
    const built = await table(ctx, name, request.query, page.t, ctx.timeZone);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(tableBody(page, name, built.table).toString());
  });

  app.get('/stats/export/:table', { schema: { hide: true, params: ExportParams, querystring: PageQuery } }, async (request, reply) => {
    const name = request.params.table.replace(/\.csv$/, '');
    knownTable(name);
    const ctx = request.ctx();
    const page = pageContext(request, assets);
    const mq = metricQuery(ctx, request.query, page.t);
    const built = await table(ctx, name, request.query, page.t, ctx.timeZone);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="stats-${name}-${mq.from}-${mq.to}.csv"`)
      .send(tableToCsv(built.table));
  });
};
