import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { inactivePatient, patientNotFound } from '../patients/patients.errors.js';
import { markMerged, markUnmerged, patientForMatching } from '../patients/patients.merge.js';
import { authorize } from '../staff/permissions.js';
import { mergeBlocked, mergeNotFound, mergeUndone, notMerged, selfMerge } from './identity.errors.js';
import * as repo from './identity.repository.js';

export type MergeOrigin = repo.MergeRow['origin'];

/**
 * Merges `mergedId` into `survivorId` inside the caller's transaction: every registered participant re-points the
 * merged file's rows (identifiers, visits, pending messages, invitations, reminders…) to the survivor, the merged
 * file becomes an inactive alias pointing to it, and the merge record keeps the ids of what moved so that
 * `unmergeIn` can put exactly those rows back.
 */
export function mergeIn(tx: Tx, ctx: ServiceContext, survivorId: string, mergedId: string, o: { origin: MergeOrigin; reason?: string | null }): repo.MergeRow {
  if (survivorId === mergedId) throw selfMerge(survivorId);
  for (const id of [survivorId, mergedId]) {
    const p = patientForMatching(tx, ctx, id);
    if (!p) throw patientNotFound(id);
    if (p.mergedIntoId !== null) throw mergeBlocked(`Patient ${id} is already merged into ${p.mergedIntoId}; merge with that file instead.`);
    if (!p.active) throw inactivePatient(id);
  }
  const moved: Record<string, string[]> = {};
  for (const participant of ctx.merges.all()) moved[participant.name] = participant.repoint(tx, mergedId, survivorId, ctx);
  markMerged(tx, ctx, mergedId, survivorId);
  for (const id of [survivorId, mergedId]) ctx.patientIndex.touched(id);
  const row: repo.MergeRow = {
    id: newId(),
    survivorId,
    mergedId,
    origin: o.origin,
    status: 'active',
    moved,
    reason: o.reason ?? null,
    createdAt: ctx.now.toISOString(),
    createdBy: `${ctx.actor.kind}:${ctx.actor.id}`,
    undoneAt: null,
    undoneBy: null,
  };
  repo.insertMerge(tx, row);
  const counts = Object.fromEntries(Object.entries(moved).map(([name, ids]) => [name, ids.length]));
  audit(tx, ctx, { action: 'patient.merge', entityType: 'patient_merge', entityId: row.id, patientId: survivorId, reason: o.reason ?? null, detail: { survivorId, mergedId, origin: o.origin, moved: counts } });
  audit(tx, ctx, { action: 'patient.merged_into', entityType: 'patient', entityId: mergedId, patientId: mergedId, reason: o.reason ?? null, detail: { survivorId, mergeId: row.id } });
  return row;
}

/** Undoes a merge: what moved goes back to the merged file, which is an active file of its own again. */
export function unmergeIn(tx: Tx, ctx: ServiceContext, merge: repo.MergeRow, reason?: string | null): repo.MergeRow {
  if (merge.status !== 'active') throw mergeUndone(merge.id);
  for (const [name, ids] of Object.entries(merge.moved)) {
    const participant = ctx.merges.get(name);
    // A participant that is no longer registered cannot move its rows back; refusing keeps both files whole.
    if (!participant) throw mergeBlocked(`Merge ${merge.id} moved rows of "${name}", which this server no longer knows; it cannot be undone here.`);
    participant.restore(tx, ids, merge.mergedId, ctx);
  }
  markUnmerged(tx, ctx, merge.mergedId, merge.survivorId);
  for (const id of [merge.survivorId, merge.mergedId]) ctx.patientIndex.touched(id);
  const at = ctx.now.toISOString();
  const by = `${ctx.actor.kind}:${ctx.actor.id}`;
  if (!repo.markMergeUndone(tx, merge.id, at, by)) throw mergeUndone(merge.id);
  audit(tx, ctx, { action: 'patient.unmerge', entityType: 'patient_merge', entityId: merge.id, patientId: merge.survivorId, reason: reason ?? null, detail: { survivorId: merge.survivorId, mergedId: merge.mergedId } });
  audit(tx, ctx, { action: 'patient.unmerged', entityType: 'patient', entityId: merge.mergedId, patientId: merge.mergedId, reason: reason ?? null, detail: { mergeId: merge.id } });
  return { ...merge, status: 'undone', undoneAt: at, undoneBy: by };
}

/** Staff merge two files directly (two registrations of one person found outside the review queue). */
export async function mergePatients(ctx: ServiceContext, input: { survivorId: string; mergedId: string; reason?: string | undefined }): Promise<repo.MergeRow> {
  authorize(ctx, 'identity.merge');
  return inTransaction(ctx, (tx) => mergeIn(tx, ctx, input.survivorId, input.mergedId, { origin: 'staff', reason: input.reason ?? null }));
}

/** Undoes a merge by its id. */
export async function unmergeMerge(ctx: ServiceContext, mergeId: string, reason?: string): Promise<repo.MergeRow> {
  authorize(ctx, 'identity.merge');
  return inTransaction(ctx, (tx) => {
    const merge = repo.findMerge(tx, mergeId);
    if (!merge) throw mergeNotFound(mergeId);
    return unmergeIn(tx, ctx, merge, reason ?? null);
  });
}

/** Undoes the merge that made `patientId` an alias. */
export async function unmergePatient(ctx: ServiceContext, patientId: string, reason?: string): Promise<repo.MergeRow> {
  authorize(ctx, 'identity.merge');
  return inTransaction(ctx, (tx) => {
    if (!patientForMatching(tx, ctx, patientId)) throw patientNotFound(patientId);
    const merge = repo.activeMergeOf(tx, patientId);
    if (!merge) throw notMerged(patientId);
    return unmergeIn(tx, ctx, merge, reason ?? null);
  });
}

export async function getMerge(ctx: ServiceContext, mergeId: string): Promise<repo.MergeRow> {
  authorize(ctx, 'identity.merge');
  const merge = inReadSnapshot(ctx, (tx) => repo.findMerge(tx, mergeId));
  if (!merge) throw mergeNotFound(mergeId);
  return merge;
}
