import { describe, expect, it } from 'vitest';
import type { RuleRow } from '../../src/modules/feedback/feedback.repository.js';
import { matchRule } from '../../src/modules/feedback/feedback.routing.js';

const rule = (id: string, fields: Partial<RuleRow>): RuleRow => ({
  id,
  name: id,
  kind: null,
  category: null,
  departmentId: null,
  severity: null,
  assigneeId: 'manager',
  assigneeGroup: null,
  deadlineHours: 8,
  priority: 0,
  active: true,
  version: 1,
  createdAt: '',
  updatedAt: '',
  ...fields,
});

const rules = [
  rule('any-complaint', { kind: 'complaint' }),
  rule('billing', { kind: 'complaint', category: 'billing' }),
  rule('billing-critical', { kind: 'complaint', category: 'billing', severity: 'critical' }),
  rule('cardiology', { departmentId: 'card' }),
  rule('cardiology-urgent', { departmentId: 'card', priority: 5 }),
];
const complaint = { kind: 'complaint', category: 'waiting_time', departmentId: null, severity: 'medium' };

describe('routing rules', () => {
  it('take the most specific rule whose every named field matches', () => {
    expect(matchRule(rules, { ...complaint, category: 'billing', severity: 'critical' })?.id).toBe('billing-critical');
    expect(matchRule(rules, { ...complaint, category: 'billing' })?.id).toBe('billing');
    expect(matchRule(rules, complaint)?.id).toBe('any-complaint');
  });

  it('break a tie of equally specific rules by priority', () => {
    expect(matchRule(rules, { ...complaint, kind: 'praise', departmentId: 'card' })?.id).toBe('cardiology-urgent');
  });

  it('leave a case no rule names to the default route', () => {
    expect(matchRule(rules, { ...complaint, kind: 'praise' })).toBeUndefined();
  });
});
