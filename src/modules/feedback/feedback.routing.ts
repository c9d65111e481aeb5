import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { departmentIdByCode, staffOfDepartment } from '../staff/staff.service.js';
import * as repo from './feedback.repository.js';

export interface Route {
  ruleId: string | null;
  assigneeIds: string[];
  group: string | null;
  deadlineAt: string | null;
}

/** Deadlines when no rule names one, in working hours by severity. */
export const DEFAULT_DEADLINE_HOURS: Record<repo.FeedbackRow['severity'], number> = { critical: 4, high: 8, medium: 24, low: 40 };

const MANAGING_ROLES = ['manager', 'admin'] as const;

/**
 * The most specific active rule whose every named field matches (kind, category, department, severity); priority
 * breaks ties. Without a rule the department's managers take the case with the default deadline for its severity.
 */
export function matchRule(rules: repo.RuleRow[], c: { kind: string; category: string; departmentId: string | null; severity: string }): repo.RuleRow | undefined {
  let best: { rule: repo.RuleRow; specificity: number } | undefined;
  for (const rule of rules) {
    if (rule.kind !== null && rule.kind !== c.kind) continue;
    if (rule.category !== null && rule.category !== c.category) continue;
    if (rule.departmentId !== null && rule.departmentId !== c.departmentId) continue;
    if (rule.severity !== null && rule.severity !== c.severity) continue;
    const specificity = [rule.kind, rule.category, rule.departmentId, rule.severity].filter((v) => v !== null).length;
    if (!best || specificity > best.specificity || (specificity === best.specificity && rule.priority > best.rule.priority)) best = { rule, specificity };
  }
  return best?.rule;
}

export function routeCase(tx: Tx, ctx: ServiceContext, c: { kind: string; category: string; departmentId: string | null; severity: repo.FeedbackRow['severity'] }): Route {
  const rule = matchRule(repo.activeRules(tx), c);
  const hours = rule?.deadlineHours ?? DEFAULT_DEADLINE_HOURS[c.severity];
  const deadlineAt = ctx.callcentre.calendar.addWorkingHours(ctx.now, hours).toISOString();
  if (rule?.assigneeId) return { ruleId: rule.id, assigneeIds: [rule.assigneeId], group: null, deadlineAt };
  if (rule?.assigneeGroup) return { ruleId: rule.id, assigneeIds: groupMembers(tx, rule.assigneeGroup), group: rule.assigneeGroup, deadlineAt };
  const managers = c.departmentId ? staffOfDepartment(tx, c.departmentId, ['manager']).map((s) => s.id) : [];
  return { ruleId: rule?.id ?? null, assigneeIds: managers, group: null, deadlineAt };
}

function groupMembers(tx: Tx, code: string): string[] {
  const departmentId = departmentIdByCode(tx, code);
  return departmentId ? staffOfDepartment(tx, departmentId, MANAGING_ROLES).map((s) => s.id) : [];
}

/** Level 1: the department's head (its managers); 2: the quality office; 3: hospital leadership. */
export function escalationTargets(tx: Tx, ctx: ServiceContext, departmentId: string | null, level: number): { group: string; staffIds: string[] } {
  const { qualityOfficeCode, leadershipCode } = ctx.callcentre.settings;
  if (level === 1 && departmentId) return { group: 'department_head', staffIds: staffOfDepartment(tx, departmentId, ['manager']).map((s) => s.id) };
  if (level <= 2) return { group: qualityOfficeCode, staffIds: groupMembers(tx, qualityOfficeCode) };
  return { group: leadershipCode, staffIds: groupMembers(tx, leadershipCode) };
}
