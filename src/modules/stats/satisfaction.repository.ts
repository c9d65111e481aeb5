import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import { inMonths } from './months.js';

/**
 * The statistics' read model of questionnaire responses: the rollup tables (stats_*), rebuilt from followup's
 * responses and answers, and the same sums computed live for the days not yet rolled up (today). Read-only on
 * other modules' tables; the only writes are to stats' own rollups.
 */

export const SATISFACTION_DIMENSIONS = ['none', 'department', 'doctor', 'questionnaire', 'class'] as const;
export type SatisfactionDimension = (typeof SATISFACTION_DIMENSIONS)[number];

export interface Scope {
  departmentId?: string | undefined;
  doctorId?: string | undefined;
  questionnaireId?: string | undefined;
  encounterClass?: string | undefined;
}

/** The sums of one cell: enough to compute means, shares, NPS and their intervals for any grouping. */
export interface SatisfactionCell {
  day: string;
  key: string;
  responses: number;
  satN: number;
  satSum: number;
  satSumSq: number;
  satisfied: number;
  npsN: number;
  promoters: number;
  passives: number;
  detractors: number;
}

export interface ItemCell {
  questionnaireId: string;
  linkId: string;
  tags: string;
  n: number;
  sum: number;
  sumSq: number;
}

const ROLLUP_KEY: Record<SatisfactionDimension, SQL> = {
  none: sql`''`,
  department: sql`department_id`,
  doctor: sql`doctor_id`,
  questionnaire: sql`questionnaire_id`,
  class: sql`encounter_class`,
};
const LIVE_KEY: Record<SatisfactionDimension, SQL> = {
  none: sql`''`,
  department: sql`coalesce(r.department_id, '')`,
  doctor: sql`coalesce(r.doctor_id, '')`,
  questionnaire: sql`r.questionnaire_id`,
  class: sql`coalesce(e.class, '')`,
};

const SUMS = (satisfiedAt: number) => sql`count(*) AS responses,
  count(r.satisfaction) AS satN, coalesce(sum(r.satisfaction), 0) AS satSum, coalesce(sum(r.satisfaction * r.satisfaction), 0) AS satSumSq,
  count(CASE WHEN r.satisfaction >= ${satisfiedAt} THEN 1 END) AS satisfied,
  count(r.nps) AS npsN, count(CASE WHEN r.nps >= 9 THEN 1 END) AS promoters,
  count(CASE WHEN r.nps BETWEEN 7 AND 8.999 THEN 1 END) AS passives, count(CASE WHEN r.nps < 7 THEN 1 END) AS detractors`;

function rollupWhere(scope: Scope, column = ''): SQL {
  const parts: SQL[] = [];
  const c = (name: string) => sql.raw(column + name);
  if (scope.departmentId !== undefined) parts.push(sql`${c('department_id')} = ${scope.departmentId}`);
  if (scope.doctorId !== undefined) parts.push(sql`${c('doctor_id')} = ${scope.doctorId}`);
  if (scope.questionnaireId !== undefined) parts.push(sql`${c('questionnaire_id')} = ${scope.questionnaireId}`);
  if (scope.encounterClass !== undefined && column === '') parts.push(sql`encounter_class = ${scope.encounterClass}`);
  return parts.length ? sql.join([sql``, ...parts], sql` AND `) : sql``;
}

function liveWhere(scope: Scope): SQL {
  const parts: SQL[] = [];
  if (scope.departmentId !== undefined) parts.push(sql`coalesce(r.department_id, '') = ${scope.departmentId}`);
  if (scope.doctorId !== undefined) parts.push(sql`coalesce(r.doctor_id, '') = ${scope.doctorId}`);
  if (scope.questionnaireId !== undefined) parts.push(sql`r.questionnaire_id = ${scope.questionnaireId}`);
  if (scope.encounterClass !== undefined) parts.push(sql`coalesce(e.class, '') = ${scope.encounterClass}`);
  return parts.length ? sql.join([sql``, ...parts], sql` AND `) : sql``;
}

/** Days of [from, to] whose rollup is built; every other day is read live. */
export function rolledDays(tx: Tx, from: string, to: string): Set<string> {
  return new Set(tx.all<{ day: string }>(sql`SELECT day FROM stats_rollup_days WHERE day BETWEEN ${from} AND ${to}`).map((r) => r.day));
}

/** Rolled-up cells by key, and by day too when `perDay` (trends); otherwise summed over the range in SQL. */
export function rolledSatisfaction(tx: Tx, from: string, to: string, scope: Scope, by: SatisfactionDimension, perDay: boolean): SatisfactionCell[] {
  const key = ROLLUP_KEY[by];
  return tx.all<SatisfactionCell>(sql`SELECT ${perDay ? sql`day` : sql`${from}`} AS day, ${key} AS key, sum(responses) AS responses, sum(sat_n) AS satN, sum(sat_sum) AS satSum,
    sum(sat_sum_sq) AS satSumSq, sum(satisfied) AS satisfied, sum(nps_n) AS npsN, sum(promoters) AS promoters, sum(passives) AS passives,
    sum(detractors) AS detractors
    FROM stats_satisfaction_daily WHERE day BETWEEN ${from} AND ${to}${rollupWhere(scope)} GROUP BY ${perDay ? sql`day, ` : sql``}${key}`);
}

/** Cells of whole months from the monthly sums; `perMonth` (trends by month or quarter) dates each cell on its month's first day. */
export function monthlySatisfaction(tx: Tx, months: readonly string[], scope: Scope, by: SatisfactionDimension, perMonth: boolean): SatisfactionCell[] {
  const key = ROLLUP_KEY[by];
  return tx.all<SatisfactionCell>(sql`SELECT ${perMonth ? sql`month || '-01'` : sql`${`${months[0]}-01`}`} AS day, ${key} AS key, sum(responses) AS responses, sum(sat_n) AS satN,
    sum(sat_sum) AS satSum, sum(sat_sum_sq) AS satSumSq, sum(satisfied) AS satisfied, sum(nps_n) AS npsN, sum(promoters) AS promoters,
    sum(passives) AS passives, sum(detractors) AS detractors
    FROM stats_satisfaction_monthly WHERE ${inMonths(months)}${rollupWhere(scope)} GROUP BY ${perMonth ? sql`month, ` : sql``}${key}`);
}

export function monthlyItems(tx: Tx, months: readonly string[], scope: Scope): ItemCell[] {
  return tx.all<ItemCell>(sql`SELECT questionnaire_id AS questionnaireId, link_id AS linkId, max(tags) AS tags, sum(n) AS n, sum(sum) AS sum, sum(sum_sq) AS sumSq
    FROM stats_item_monthly WHERE ${inMonths(months)}${rollupWhere(scope)} GROUP BY questionnaire_id, link_id`);
}

/** Sums a month's daily cells [from, to] into its monthly ones. */
export function rebuildMonth(tx: Tx, month: string, from: string, to: string): void {
  tx.run(sql`DELETE FROM stats_satisfaction_monthly WHERE month = ${month}`);
  tx.run(sql`DELETE FROM stats_item_monthly WHERE month = ${month}`);
  tx.run(sql`INSERT INTO stats_satisfaction_monthly (month, department_id, doctor_id, questionnaire_id, encounter_class, responses, sat_n, sat_sum,
      sat_sum_sq, satisfied, nps_n, promoters, passives, detractors)
    SELECT ${month}, department_id, doctor_id, questionnaire_id, encounter_class, sum(responses), sum(sat_n), sum(sat_sum), sum(sat_sum_sq), sum(satisfied),
      sum(nps_n), sum(promoters), sum(passives), sum(detractors)
    FROM stats_satisfaction_daily WHERE day BETWEEN ${from} AND ${to} GROUP BY 2, 3, 4, 5`);
  tx.run(sql`INSERT INTO stats_item_monthly (month, department_id, doctor_id, questionnaire_id, link_id, tags, n, sum, sum_sq)
    SELECT ${month}, department_id, doctor_id, questionnaire_id, link_id, max(tags), sum(n), sum(sum), sum(sum_sq)
    FROM stats_item_daily WHERE day BETWEEN ${from} AND ${to} GROUP BY 2, 3, 4, 5`);
}

export function rolledDayCount(tx: Tx, from: string, to: string): number {
  return tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM stats_rollup_days WHERE day BETWEEN ${from} AND ${to}`)?.n ?? 0;
}

/** One local day's cells straight from the responses (start and end are the day's instants). */
export function liveSatisfaction(tx: Tx, day: string, start: string, end: string, scope: Scope, by: SatisfactionDimension, satisfiedAt: number): SatisfactionCell[] {
  const key = LIVE_KEY[by];
  return tx.all<SatisfactionCell>(sql`SELECT ${day} AS day, ${key} AS key, ${SUMS(satisfiedAt)}
    FROM questionnaire_responses r LEFT JOIN encounters e ON e.id = r.encounter_id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end}${liveWhere(scope)} GROUP BY ${key}`);
}

export function rolledItems(tx: Tx, from: string, to: string, scope: Scope): ItemCell[] {
  return tx.all<ItemCell>(sql`SELECT questionnaire_id AS questionnaireId, link_id AS linkId, max(tags) AS tags, sum(n) AS n, sum(sum) AS sum, sum(sum_sq) AS sumSq
    FROM stats_item_daily WHERE day BETWEEN ${from} AND ${to}${rollupWhere(scope)} GROUP BY questionnaire_id, link_id`);
}

export function liveItems(tx: Tx, start: string, end: string, scope: Scope): ItemCell[] {
  return tx.all<ItemCell>(sql`SELECT r.questionnaire_id AS questionnaireId, a.link_id AS linkId, max(a.tags) AS tags, count(*) AS n, sum(a.score) AS sum,
    sum(a.score * a.score) AS sumSq
    FROM questionnaire_responses r JOIN questionnaire_answers a ON a.response_id = r.id LEFT JOIN encounters e ON e.id = r.encounter_id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end} AND a.score IS NOT NULL${liveWhere(scope)} GROUP BY r.questionnaire_id, a.link_id`);
}

/** Replaces one local day's rollup rows with sums recomputed from the responses, and marks the day built. */
export function rebuildDay(tx: Tx, day: string, start: string, end: string, satisfiedAt: number, builtAt: string): { responses: number } {
  tx.run(sql`DELETE FROM stats_satisfaction_daily WHERE day = ${day}`);
  tx.run(sql`DELETE FROM stats_item_daily WHERE day = ${day}`);
  tx.run(sql`INSERT INTO stats_satisfaction_daily (day, department_id, doctor_id, questionnaire_id, encounter_class, responses, sat_n, sat_sum,
      sat_sum_sq, satisfied, nps_n, promoters, passives, detractors)
    SELECT ${day}, coalesce(r.department_id, ''), coalesce(r.doctor_id, ''), r.questionnaire_id, coalesce(e.class, ''), ${SUMS(satisfiedAt)}
    FROM questionnaire_responses r LEFT JOIN encounters e ON e.id = r.encounter_id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end}
    GROUP BY coalesce(r.department_id, ''), coalesce(r.doctor_id, ''), r.questionnaire_id, coalesce(e.class, '')`);
  tx.run(sql`INSERT INTO stats_item_daily (day, department_id, doctor_id, questionnaire_id, link_id, tags, n, sum, sum_sq)
    SELECT ${day}, coalesce(r.department_id, ''), coalesce(r.doctor_id, ''), r.questionnaire_id, a.link_id, max(a.tags), count(*), sum(a.score), sum(a.score * a.score)
    FROM questionnaire_responses r JOIN questionnaire_answers a ON a.response_id = r.id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end} AND a.score IS NOT NULL
    GROUP BY coalesce(r.department_id, ''), coalesce(r.doctor_id, ''), r.questionnaire_id, a.link_id`);
  tx.run(sql`INSERT INTO stats_rollup_days (day, built_at) VALUES (${day}, ${builtAt}) ON CONFLICT (day) DO UPDATE SET built_at = excluded.built_at`);
  const row = tx.get<{ n: number }>(sql`SELECT coalesce(sum(responses), 0) AS n FROM stats_satisfaction_daily WHERE day = ${day}`);
  return { responses: row?.n ?? 0 };
}

export function firstResponseInstant(tx: Tx): string | null {
  return tx.get<{ at: string | null }>(sql`SELECT min(authored_at) AS at FROM questionnaire_responses`)?.at ?? null;
}

export function lastRolledDay(tx: Tx): string | null {
  return tx.get<{ day: string | null }>(sql`SELECT max(day) AS day FROM stats_rollup_days`)?.day ?? null;
}

export function clearRollups(tx: Tx): void {
  tx.run(sql`DELETE FROM stats_satisfaction_daily`);
  tx.run(sql`DELETE FROM stats_item_daily`);
  tx.run(sql`DELETE FROM stats_rollup_days`);
  tx.run(sql`DELETE FROM stats_satisfaction_monthly`);
  tx.run(sql`DELETE FROM stats_item_monthly`);
}

export interface CommentRow {
  responseId: string;
  patientId: string;
  authoredAt: string;
  departmentId: string | null;
  doctorId: string | null;
  questionnaireId: string;
  linkId: string;
  text: string;
  satisfaction: number | null;
}

/** Free-text answers, newest first; `maxSatisfaction` keeps the unhappy ones, `contains` searches the text. */
export function findComments(tx: Tx, start: string, end: string, scope: Scope, filter: { maxSatisfaction?: number | undefined; contains?: string | undefined }, limit: number): CommentRow[] {
  const extra: SQL[] = [];
  if (filter.maxSatisfaction !== undefined) extra.push(sql`r.satisfaction <= ${filter.maxSatisfaction}`);
  if (filter.contains !== undefined) extra.push(sql`instr(a.value_text, ${filter.contains}) > 0`);
  return tx.all<CommentRow>(sql`SELECT r.id AS responseId, r.patient_id AS patientId, r.authored_at AS authoredAt, r.department_id AS departmentId,
      r.doctor_id AS doctorId, r.questionnaire_id AS questionnaireId, a.link_id AS linkId, a.value_text AS text, r.satisfaction AS satisfaction
    FROM questionnaire_responses r JOIN questionnaire_answers a ON a.response_id = r.id LEFT JOIN encounters e ON e.id = r.encounter_id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end} AND a.value_type = 'string' AND trim(coalesce(a.value_text, '')) <> ''
    ${liveWhere(scope)}${extra.length ? sql.join([sql``, ...extra], sql` AND `) : sql``}
    ORDER BY r.authored_at DESC, r.id, a.link_id LIMIT ${limit}`);
}

export interface ResponseListRow {
  responseId: string;
  patientId: string;
  authoredAt: string;
  departmentId: string | null;
  doctorId: string | null;
  questionnaireId: string;
  encounterClass: string | null;
  satisfaction: number | null;
  nps: number | null;
}

/** The responses behind a bar: what a drill-down lists. */
export function findResponsesBehind(tx: Tx, start: string, end: string, scope: Scope, limit: number): ResponseListRow[] {
  return tx.all<ResponseListRow>(sql`SELECT r.id AS responseId, r.patient_id AS patientId, r.authored_at AS authoredAt, r.department_id AS departmentId,
      r.doctor_id AS doctorId, r.questionnaire_id AS questionnaireId, e.class AS encounterClass, r.satisfaction AS satisfaction, r.nps AS nps
    FROM questionnaire_responses r LEFT JOIN encounters e ON e.id = r.encounter_id
    WHERE r.authored_at >= ${start} AND r.authored_at < ${end}${liveWhere(scope)}
    ORDER BY r.authored_at DESC, r.id LIMIT ${limit}`);
}
