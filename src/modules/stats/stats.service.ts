import type { z } from 'zod';
import type { ServiceContext } from '../../lib/context.js';
import { Forbidden, NotFound } from '../../lib/errors.js';
import { inReadSnapshot } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { authorize, can } from '../staff/permissions.js';
import { resolveRange } from './periods.js';
import { metricPath, type MetricDefinition, type MetricRegistry } from './registry.js';
import type { StatsFilter } from './stats.schemas.js';

/**
 * Runs one metric for the signed-in staff member. Managers are held to their own department here, in the service:
 * a filter naming another department is refused, and no filter means their department. A metric that lists patients
 * writes a read audit naming the responses or patients returned.
 */
export function metricNamed(registry: MetricRegistry, id: string): MetricDefinition {
  const metric = registry.get(id);
  if (!metric) throw new NotFound('stats.unknown_metric', `No statistic named ${id}.`);
  return metric;
}

export async function runDefinition<Q extends StatsFilter>(ctx: ServiceContext, metric: MetricDefinition, query: Q): Promise<z.infer<typeof metric.result>> {
  const scoped = scopeQuery(ctx, metric, query);
  const range = resolveRange(scoped, ctx.now, ctx.timeZone);
  const result = inReadSnapshot(ctx, (tx) => metric.compute({ tx, ctx, range, query: scoped }));
  if (metric.listsPatients) {
    const items = (result as { items?: { patientId?: string; responseId?: string }[] }).items ?? [];
    await auditRead(ctx, {
      action: 'stats.patients.list',
      entityType: 'stats',
      reason: metric.id,
      detail: { metric: metric.id, range, departmentId: scoped.departmentId ?? null, doctorId: scoped.doctorId ?? null, patients: [...new Set(items.map((i) => i.patientId))] },
    });
  }
  return result;
}

/** The query as this staff member may run it. */
export function scopeQuery<Q extends StatsFilter>(ctx: ServiceContext, metric: Pick<MetricDefinition, 'scope' | 'id'>, query: Q): Q {
  const held = heldToDepartment(ctx, metric);
  if (held === undefined) return query;
  if (query.departmentId !== undefined && query.departmentId !== held) {
    throw new Forbidden('stats.other_department', 'Managers see the figures of their own department only.');
  }
  return { ...query, departmentId: held };
}

/**
 * The one department scope rule: managers are held to their own department (undefined: not held). Checks the
 * right to the metric first; a manager without a department has no figures to see.
 */
export function heldToDepartment(ctx: ServiceContext, metric: Pick<MetricDefinition, 'scope'>): string | undefined {
  const actor = authorize(ctx, rightFor(metric));
  if (actor.role !== 'manager') return undefined;
  if (!actor.departmentId) throw new Forbidden('stats.no_department', 'A manager without a department has no figures to see.');
  return actor.departmentId;
}

/** Whether this staff member may see a metric at all (hospital-wide ones: administrators). */
export function maySee(ctx: ServiceContext, metric: Pick<MetricDefinition, 'scope'>): boolean {
  return ctx.actor.kind === 'staff' && can(ctx.actor.role, rightFor(metric));
}

/** Hospital-wide figures (no department to hold a manager to) are for administrators. */
function rightFor(metric: Pick<MetricDefinition, 'scope'>) {
  return metric.scope === 'hospital' ? ('stats.hospital' as const) : ('stats.read' as const);
}

export async function listMetrics(ctx: ServiceContext, registry: MetricRegistry): Promise<{ items: { id: string; path: string; summary: string; listsPatients: boolean }[] }> {
  const actor = authorize(ctx, 'stats.read');
  const visible = registry.all().filter((m) => m.scope !== 'hospital' || actor.role === 'admin');
  return { items: visible.map((m) => ({ id: m.id, path: metricPath(m.id), summary: m.summary, listsPatients: m.listsPatients ?? false })) };
}
