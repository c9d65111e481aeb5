import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { authorize } from '../staff/permissions.js';
import { activeStaffRef, departmentExists } from '../staff/staff.service.js';
import { ruleNotFound, ruleWithoutAssignee, staleFeedback, unknownDepartment, unknownStaff } from './feedback.errors.js';
import * as repo from './feedback.repository.js';
import type { RoutingRule, RoutingRuleBody, UpdateRoutingRuleBody } from './feedback.schemas.js';

const toRule = ({ createdAt: _c, updatedAt: _u, ...rule }: repo.RuleRow): RoutingRule => rule;

function check(tx: Tx, body: RoutingRuleBody): void {
  if (!body.assigneeId && !body.assigneeGroup) throw ruleWithoutAssignee();
  if (body.assigneeId && !activeStaffRef(tx, body.assigneeId)) throw unknownStaff('assigneeId');
  if (body.departmentId && !departmentExists(tx, body.departmentId)) throw unknownDepartment('departmentId');
}

export async function listRoutingRules(ctx: ServiceContext): Promise<{ items: RoutingRule[] }> {
  authorize(ctx, 'feedback.rules.manage');
  return { items: inReadSnapshot(ctx, (tx) => repo.allRules(tx).map(toRule)) };
}

export async function createRoutingRule(ctx: ServiceContext, body: RoutingRuleBody): Promise<RoutingRule> {
  authorize(ctx, 'feedback.rules.manage');
  return inTransaction(ctx, (tx) => {
    check(tx, body);
    const id = newId();
    const now = ctx.now.toISOString();
    repo.insertRule(tx, { id, ...body, createdAt: now, updatedAt: now });
    audit(tx, ctx, { action: 'feedback.rule.create', entityType: 'feedback_rule', entityId: id, detail: { ...body } });
    return toRule(repo.findRule(tx, id)!);
  });
}

export async function updateRoutingRule(ctx: ServiceContext, id: string, body: UpdateRoutingRuleBody): Promise<RoutingRule> {
  authorize(ctx, 'feedback.rules.manage');
  return inTransaction(ctx, (tx) => {
    const current = repo.findRule(tx, id);
    if (!current) throw ruleNotFound(id);
    if (current.version !== body.version) throw staleFeedback(body.version, current.version);
    const { version, ...fields } = body;
    check(tx, fields);
    repo.updateRuleAtVersion(tx, id, version, { ...fields, updatedAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'feedback.rule.update', entityType: 'feedback_rule', entityId: id, detail: { ...fields } });
    return toRule(repo.findRule(tx, id)!);
  });
}
