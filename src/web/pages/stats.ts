import type { z } from 'zod';
import type { Interval, Mean, Nps, Rate } from '../../modules/stats/formulas.js';
import type { MetricTable } from '../../modules/stats/registry.js';
import type * as s from '../../modules/stats/stats.schemas.js';
import { html, raw, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

export interface StatsFilterView {
  from: string;
  to: string;
  departmentId: string;
  doctorId: string;
  grain: string;
  by: string;
}

export interface DashboardView {
  filter: StatsFilterView;
  departments: { id: string; name: string }[];
  /** Managers: their department only, the select is fixed. */
  departmentFixed: boolean;
  summary: z.infer<typeof s.SatisfactionSummary>;
  breakdown: z.infer<typeof s.SatisfactionBreakdown>;
  trend: z.infer<typeof s.SatisfactionTrend>;
  tables: { name: string; title: string; table: MetricTable }[];
  /** Tables loaded on demand by the page (beyond the first screen). */
  lazyTables: { name: string; title: string }[];
  /** Figures on their own page (heavy to compute), linked from the dashboard. */
  ownPages: { name: string; title: string }[];
}

const GRAINS = ['day', 'week', 'month', 'quarter'] as const;
const BY = ['department', 'doctor', 'questionnaire', 'class'] as const;
const DRILL_PARAM: Record<string, string> = { department: 'departmentId', doctor: 'doctorId', questionnaire: 'questionnaireId', class: 'encounterClass' };

export const fixed = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));
const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

export function queryOf(filter: Partial<StatsFilterView>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) params.set(k, v);
  return params.toString();
}

function ci(page: PageContext, interval: Interval | null, format: (v: number) => string): string {
  const { t } = page;
  return interval ? t('stats.ci', { low: format(interval.low), high: format(interval.high), method: interval.method }) : t('stats.ci.none');
}

function meanCard(page: PageContext, title: string, m: Mean, previous: Mean, change: number | null, period: { from: string; to: string }): SafeHtml {
  return html`<div class="stat-card"><h3>${title}</h3><p class="stat-value">${fixed(m.value, 2)}</p>
  <p class="muted">${ci(page, m.ci, (v) => v.toFixed(2))} · n=${m.n}</p>
  <p class="muted">${page.t('stats.change', { ...period, value: change === null ? '—' : `${change >= 0 ? '+' : ''}${change.toFixed(2)}` })}${previous.value === null ? '' : ` (${previous.value.toFixed(2)})`}</p></div>`;
}

function rateCard(page: PageContext, title: string, r: Rate, change: number | null, period: { from: string; to: string }): SafeHtml {
  const { t } = page;
  return html`<div class="stat-card"><h3>${title}</h3><p class="stat-value">${percent(r.value)}</p>
  <p class="stat-denominator">${t('stats.ofDenominator', { numerator: r.numerator, denominator: r.denominator, name: t(`stats.denominator.${r.denominatorName}`) })}</p>
  <p class="muted">${ci(page, r.ci, (v) => `${(v * 100).toFixed(1)}%`)}</p>
  <p class="muted">${t('stats.change', { ...period, value: change === null ? '—' : `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} pp` })}</p></div>`;
}

function npsCard(page: PageContext, n: Nps, change: number | null, period: { from: string; to: string }): SafeHtml {
  const { t } = page;
  return html`<div class="stat-card"><h3>${t('stats.card.nps')}</h3><p class="stat-value">${fixed(n.value, 1)}</p>
  <p class="stat-denominator">${t('stats.npsParts', { p: n.promoters, q: n.passives, d: n.detractors })} · n=${n.n}</p>
  <p class="muted">${ci(page, n.ci, (v) => v.toFixed(1))}</p>
  <p class="muted">${t('stats.change', { ...period, value: change === null ? '—' : `${change >= 0 ? '+' : ''}${change.toFixed(1)}` })}</p></div>`;
}

/** Chart data for stats.js, as a JSON data block (never executed; `<` escaped so it cannot end the element). */
function chartData(id: string, spec: unknown): SafeHtml {
  return raw(`<script type="application/json" id="${id}">${JSON.stringify(spec).replace(/</g, '\\u003c')}</script>`);
}

export function tableSection(page: PageContext, name: string, title: string, table: MetricTable, exportHref: string): SafeHtml {
  return section(page, name, title, exportHref, tableBody(page, name, table));
}

/** A table's content alone: what the dashboard's lazy sections fetch from /app/stats/fragment/<name>. */
export function tableBody(page: PageContext, name: string, table: MetricTable): SafeHtml {
  const { t } = page;
  return html`${table.caption ? html`<p class="muted small">${table.caption}</p>` : ''}${table.rows.length === 0
    ? html`<p class="muted">${t('stats.noData')}</p>`
    : html`<div class="table-scroll"><table class="table" data-table="${name}"><thead><tr>${table.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
  <tbody>${table.rows.map((row, r) => html`<tr>${row.map((cell, i) => html`<td data-label="${table.columns[i] ?? ''}">${i === 0 && table.links?.[r] ? html`<a href="${table.links[r]}">${cell ?? ''}</a>` : (cell ?? '')}</td>`)}</tr>`)}</tbody></table></div>`}`;
}

/**
 * A table the page does not compute: stats.js fetches its content when it scrolls near (or before printing), so the
 * dashboard costs the same however many tables the modules register. Without script, the link opens the table.
 */
export function lazyTableSection(page: PageContext, name: string, title: string, query: string): SafeHtml {
  const { t } = page;
  return section(
    page,
    name,
    title,
    `/app/stats/export/${name}.csv?${query}`,
    html`<div data-lazy-table="/app/stats/fragment/${name}?${query}"><p class="muted"><a href="/app/stats/table/${name}?${query}">${t('stats.openTable')}</a> <span class="lazy-loading" hidden>${t('stats.loading')}</span><span class="lazy-failed" role="alert" hidden>${t('stats.loadFailed')} <button type="button" class="button button-small no-print" data-lazy-retry>${t('stats.retry')}</button></span></p></div>`,
  );
}

function section(page: PageContext, name: string, title: string, exportHref: string, body: SafeHtml): SafeHtml {
  return html`<section class="card stats-table" aria-labelledby="t-${name}">
  <div class="card-head"><h2 id="t-${name}">${title}</h2><a class="button button-small no-print" href="${exportHref}" download>${page.t('stats.csv')}</a></div>
  ${body}
</section>`;
}

export function filterForm(page: PageContext, action: string, view: { filter: StatsFilterView; departments: { id: string; name: string }[]; departmentFixed: boolean }, extra: SafeHtml = html``): SafeHtml {
  const { t } = page;
  const f = view.filter;
  return html`<section class="card no-print" aria-labelledby="filters-title"><h2 id="filters-title">${t('stats.filters')}</h2>
<form method="get" action="${action}" class="form filters">
  <label>${t('stats.from')}<input type="date" name="from" value="${f.from}"></label>
  <label>${t('stats.to')}<input type="date" name="to" value="${f.to}"></label>
  <label>${t('stats.department')}<select name="departmentId"${view.departmentFixed ? raw(' disabled') : ''}>
    ${view.departmentFixed ? '' : html`<option value="">${t('stats.all')}</option>`}
    ${view.departments.map((d) => html`<option value="${d.id}"${d.id === f.departmentId ? raw(' selected') : ''}>${d.name}</option>`)}
  </select></label>
  <label>${t('stats.doctor')}<input type="text" name="doctorId" value="${f.doctorId}" maxlength="64"></label>
  <label>${t('stats.grain')}<select name="grain">${GRAINS.map((g) => html`<option value="${g}"${g === f.grain ? raw(' selected') : ''}>${t(`stats.grain.${g}`)}</option>`)}</select></label>
  <label>${t('stats.by')}<select name="by">${BY.map((b) => html`<option value="${b}"${b === f.by ? raw(' selected') : ''}>${t(`stats.by.${b}`)}</option>`)}</select></label>
  ${extra}
  <div class="form-actions"><button type="submit" class="button">${t('stats.apply')}</button></div>
</form></section>`;
}

export function statsDashboardPage(page: PageContext, view: DashboardView): SafeHtml {
  const { t } = page;
  const { summary, breakdown, trend, filter } = view;
  const prev = summary.previousPeriod;
  const drillParam = DRILL_PARAM[breakdown.by]!;
  const base = { from: summary.period.from, to: summary.period.to, departmentId: filter.departmentId, doctorId: filter.doctorId };
  const barChart = {
    type: 'bar',
    label: t('stats.col.satisfaction'),
    labels: breakdown.rows.map((r) => r.label),
    values: breakdown.rows.map((r) => (r.satisfaction.value === null ? null : Number(r.satisfaction.value.toFixed(3)))),
    counts: breakdown.rows.map((r) => r.responses),
    drill: breakdown.rows.map((r) => (r.key ? `/app/stats/responses?${queryOf(base, { [drillParam]: r.key })}` : null)),
    min: 1,
    max: 5,
  };
  const lineChart = {
    type: 'line',
    label: t('stats.col.satisfaction'),
    labels: trend.buckets.map((b) => b.bucket),
    values: trend.buckets.map((b) => (b.satisfaction.value === null ? null : Number(b.satisfaction.value.toFixed(3)))),
    counts: trend.buckets.map((b) => b.responses),
    drill: trend.buckets.map(() => null),
    min: 1,
    max: 5,
  };
  return layout(page, {
    title: t('stats.title'),
    section: 'stats',
    bodyClass: 'stats-page',
    scripts: ['chart.js', 'stats.js'],
    body: html`<div class="page-head"><h1 class="page-title">${t('stats.title')}</h1>
<p class="muted">${summary.period.from} – ${summary.period.to}</p>
<button type="button" class="button no-print" data-print>${t('stats.print')}</button></div>
${filterForm(page, '/app/stats', view)}
<section class="card" aria-labelledby="summary-title"><h2 id="summary-title">${t('stats.summary')}</h2>
<div class="stat-cards">
  ${meanCard(page, t('stats.card.satisfaction'), summary.current.satisfaction, summary.previous.satisfaction, summary.change.satisfaction, prev)}
  ${rateCard(page, t('stats.card.satisfied'), summary.current.satisfied, summary.change.satisfiedShare, prev)}
  ${npsCard(page, summary.current.nps, summary.change.nps, prev)}
  <div class="stat-card"><h3>${t('stats.card.responses')}</h3><p class="stat-value" data-figure="responses">${summary.current.responses}</p>
  <p class="muted">${t('stats.change', { ...prev, value: `${summary.change.responses >= 0 ? '+' : ''}${summary.change.responses}` })}</p>
  <p><a href="/app/stats/responses?${queryOf(base)}">${t('stats.responses')}</a> · <a href="/app/stats/comments?${queryOf(base)}">${t('stats.commentsLink')}</a></p></div>
</div>
<p class="muted small">${t('stats.methods')}</p></section>
<div class="chart-grid">
<section class="card" aria-labelledby="bar-title"><h2 id="bar-title">${t('stats.byDepartmentChart')}</h2>
  <div class="chart-box"><canvas id="chart-breakdown" data-chart="chart-breakdown-data" role="img" aria-label="${t('stats.byDepartmentChart')}"></canvas></div>
  ${chartData('chart-breakdown-data', barChart)}</section>
<section class="card" aria-labelledby="line-title"><h2 id="line-title">${t('stats.trendChart')}</h2>
  <div class="chart-box"><canvas id="chart-trend" data-chart="chart-trend-data" role="img" aria-label="${t('stats.trendChart')}"></canvas></div>
  ${chartData('chart-trend-data', lineChart)}</section>
</div>
${view.ownPages.length ? html`<section class="card no-print"><ul class="stats-links">${view.ownPages.map((p) => html`<li><a href="/app/stats/table/${p.name}?${queryOf(base)}">${p.title}</a></li>`)}</ul></section>` : ''}
${view.tables.map((tb) => tableSection(page, tb.name, tb.title, tb.table, `/app/stats/export/${tb.name}.csv?${queryOf({ ...filter, from: summary.period.from, to: summary.period.to })}`))}
${view.lazyTables.map((tb) => lazyTableSection(page, tb.name, tb.title, queryOf({ ...filter, from: summary.period.from, to: summary.period.to })))}`,
  });
}

export function statsListPage(page: PageContext, options: { title: string; action: string; filterView: { filter: StatsFilterView; departments: { id: string; name: string }[]; departmentFixed: boolean }; extra?: SafeHtml; name: string; table: MetricTable; exportHref: string }): SafeHtml {
  const { t } = page;
  return layout(page, {
    title: options.title,
    section: 'stats',
    bodyClass: 'stats-page',
    scripts: ['stats.js'],
    body: html`<div class="page-head"><h1 class="page-title">${options.title}</h1><a href="/app/stats?${queryOf(options.filterView.filter)}" class="no-print">${t('stats.back')}</a>
<button type="button" class="button no-print" data-print>${t('stats.print')}</button></div>
${filterForm(page, options.action, options.filterView, options.extra)}
${tableSection(page, options.name, options.title, options.table, options.exportHref)}`,
  });
}
