import { readFileSync } from 'node:fs';
import type { Tx } from '../../../db/client.js';
import { localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { decodeCursor, pageOf } from '../../lib/pagination.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { audit } from '../audit/audit.service.js';
import { patientNotFound } from '../patients/patients.errors.js';
import { patientRef } from '../patients/patients.service.js';
import { phoneOrInvalid } from '../patients/phone.js';
import { authorize } from '../staff/permissions.js';
import { ROLES } from '../../lib/context.js';
import { activeStaffRef, listStaff, staffOfDepartment } from '../staff/staff.service.js';
import * as repo from './contacts.repository.js';
import type { Contact, ContactSearchQuery, CreateContactBody } from './contacts.schemas.js';
import { recordingPath, removeRecording, sha256, sniffAudio, storeRecording } from './recording-files.js';

const contactNotFound = (id: string) => new NotFound('contacts.not_found', `No contact with id ${id}.`);
const CALL_KINDS = new Set(['call_in', 'call_out']);

function toContact(row: repo.ContactRow, recordings: repo.RecordingRow[]): Contact {
  return {
    id: row.id,
    source: 'log',
    patientId: row.patientId,
    kind: row.kind,
    staffId: row.staffId,
    at: row.at,
    durationSeconds: row.durationSeconds,
    address: row.address,
    outcome: row.outcome,
    nextAction: row.nextAction,
    summary: row.summary,
    qualityScore: row.qualityScore,
    qualityNote: row.qualityNote,
    recordings: recordings.filter((r) => r.contactId === row.id).map((r) => ({ id: r.id, size: r.size, mediaType: r.mediaType, sha256: r.sha256 })),
  };
}

/** Numbers are kept in E.164 so the invalid-number flag and the lookup speak of the same number. */
function normaliseAddress(kind: string, address: string | undefined): string | null {
  if (!address) return null;
  if (CALL_KINDS.has(kind) || kind === 'sms') return phoneOrInvalid(address, 'address', 'contacts.bad_address').e164;
  return address;
}

export function logContactIn(tx: Tx, ctx: ServiceContext, staffId: string, body: CreateContactBody): string {
  if (!patientRef(tx, body.patientId)) throw patientNotFound(body.patientId);
  const address = normaliseAddress(body.kind, body.address);
  const at = body.at ? new Date(body.at).toISOString() : ctx.now.toISOString();
  if (body.kind === 'call_out') {
    const since = new Date(new Date(at).getTime() - 7 * 86_400_000).toISOString();
    const cap = ctx.callcentre.settings.weeklyCallCap;
    if (repo.callsOutSince(tx, body.patientId, since) >= cap) {
      throw new Conflict('contacts.weekly_cap', `This patient has been called ${cap} times in the last 7 days, the most the hospital allows; log the call later or write instead.`);
    }
  }
  const id = newId();
  repo.insertContact(tx, {
    id,
    patientId: body.patientId,
    kind: body.kind,
    staffId,
    at,
    durationSeconds: body.durationSeconds ?? null,
    address,
    outcome: body.outcome,
    nextAction: body.nextAction ?? null,
    summary: body.summary ?? null,
    consultationId: body.consultationId ?? null,
    feedbackId: body.feedbackId ?? null,
    createdAt: ctx.now.toISOString(),
  });
  if ((body.outcome === 'number_invalid' || body.outcome === 'wrong_number') && address) repo.flagInvalid(tx, { patientId: body.patientId, address, contactId: id, flaggedAt: ctx.now.toISOString() });
  audit(tx, ctx, { action: 'contact.create', entityType: 'contact', entityId: id, patientId: body.patientId, detail: { kind: body.kind, outcome: body.outcome } });
  return id;
}

export async function logContact(ctx: ServiceContext, body: CreateContactBody): Promise<Contact> {
  const actor = authorize(ctx, 'contacts.write');
  return inTransaction(ctx, (tx) => {
    const id = logContactIn(tx, ctx, actor.id, body);
    return toContact(repo.findContact(tx, id)!, []);
  });
}

/**
 * Whose contacts a search may list: an admin anyone's; a manager their department's staff (whose contacts they
 * score) and their own; everyone else their own. Naming someone outside that circle is refused, and a search by
 * period alone is narrowed to it. A patient's log stays whole for everyone who serves the patient (who called them
 * and why is the history the next call needs).
 */
function whoseContacts(tx: Tx, actor: { id: string; role: string; departmentId: string | null }, query: ContactSearchQuery): repo.ContactFilter {
  if (actor.role === 'admin') return query;
  const managed = actor.role === 'manager' && actor.departmentId !== null;
  const circle = managed ? new Set([actor.id, ...staffOfDepartment(tx, actor.departmentId!, ROLES).map((s) => s.id)]) : new Set([actor.id]);
  if (query.staffId && !circle.has(query.staffId)) {
    throw managed
      ? new Forbidden('contacts.other_department', "Managers list the contacts of their own department's staff only.", [{ field: 'staffId', code: 'other_department', message: 'not a staff member of your department' }])
      : new Forbidden('contacts.own_only', "Only managers and admins list another staff member's contacts; leave staffId out or give your own.", [
          { field: 'staffId', code: 'own_only', message: 'not your own staff id' },
        ]);
  }
  return query.patientId || query.staffId ? query : { ...query, staffIn: [...circle] };
}

/**
 * The contact log by patient, staff member or period. For one patient the outbox's messages are merged in (read
 * through the timeline's message provider, not copied), so every contact is in one list.
 */
export async function searchContacts(ctx: ServiceContext, query: ContactSearchQuery): Promise<{ items: Contact[]; nextCursor: string | null }> {
  const actor = authorize(ctx, 'contacts.read');
  const before = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const page = inReadSnapshot(ctx, (tx) => {
    const filter = whoseContacts(tx, actor, query);
    if (query.patientId && !patientRef(tx, query.patientId)) throw patientNotFound(query.patientId);
    const rows = repo.searchContacts(tx, filter, before, query.limit + 1);
    const recordings = repo.recordingsOf(tx, rows.map((x) => x.id));
    const logged = rows.map((r) => toContact(r, recordings));
    const outbox: Contact[] =
      query.patientId && !query.staffId
        ? ctx.timeline.collect(tx, query.patientId, { kind: 'message', before, limit: query.limit, clinical: false }).filter((e) => (!query.from || e.at >= query.from) && (!query.to || e.at <= query.to)).map((e) => ({
            id: e.id,
            source: 'outbox' as const,
            patientId: query.patientId!,
            kind: 'message',
            staffId: null,
            at: e.at,
            durationSeconds: null,
            address: null,
            outcome: e.title,
            nextAction: null,
            summary: e.detail,
            qualityScore: null,
            qualityNote: null,
            recordings: [],
          }))
        : [];
    return [...logged, ...outbox].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
  });
  const result = pageOf(page, query.limit, (c) => [c.at, c.id]);
  await auditRead(ctx, { action: 'contact.search', entityType: 'contact', patientId: query.patientId ?? null, detail: { staffId: query.staffId ?? null, returned: result.items.length } });
  return result;
}

/** Managers score the contacts of their department's staff (admins any). */
export async function reviewContact(ctx: ServiceContext, id: string, body: { score: number; note?: string | undefined }): Promise<Contact> {
  const actor = authorize(ctx, 'contacts.review');
  return inTransaction(ctx, (tx) => {
    const row = repo.findContact(tx, id);
    if (!row) throw contactNotFound(id);
    if (actor.role === 'manager' && activeStaffRef(tx, row.staffId)?.departmentId !== actor.departmentId) throw contactNotFound(id);
    repo.setReview(tx, id, { qualityScore: body.score, qualityNote: body.note ?? null, reviewedBy: actor.id, reviewedAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'contact.review', entityType: 'contact', entityId: id, patientId: row.patientId, detail: { score: body.score } });
    return toContact(repo.findContact(tx, id)!, repo.recordingsOf(tx, [id]));
  });
}

/** Numbers found invalid on a contact, for the patient file (read with the file, so its audit covers it). */
export async function invalidNumbers(ctx: ServiceContext, patientId: string): Promise<string[]> {
  authorize(ctx, 'patients.read');
  return inReadSnapshot(ctx, (tx) => repo.invalidPointsOf(tx, patientId));
}

export function invalidNumbersOf(tx: Tx, patientId: string): string[] {
  return repo.invalidPointsOf(tx, patientId);
}


/**
 * A call recording: size checked against the limit, type taken from the content's magic bytes and checked against
 * the declared type, stored on disk with its SHA-256; the row commits only after the file is in place.
 */
export async function uploadRecording(ctx: ServiceContext, contactId: string, bytes: Buffer, declaredType: string): Promise<{ id: string; contactId: string; size: number; mediaType: string; sha256: string; retainUntil: string }> {
  const actor = authorize(ctx, 'recordings.upload');
  const { recordingsDir, recordingMaxBytes, recordingRetentionDays } = ctx.callcentre.settings;
  if (bytes.length > recordingMaxBytes) throw new TooLarge('contacts.recording_too_large', `The recording is ${bytes.length} bytes; at most ${recordingMaxBytes} are accepted.`);
  const sniffed = sniffAudio(bytes, declaredType);
  if (!sniffed.ok) throw new Invalid('contacts.recording_type', `The upload ${sniffed.why}.`, [{ field: 'body', code: 'bad_audio', message: sniffed.why }]);
  const contact = inReadSnapshot(ctx, (tx) => repo.findContact(tx, contactId));
  if (!contact) throw contactNotFound(contactId);
  if (!CALL_KINDS.has(contact.kind)) throw new Conflict('contacts.not_a_call', 'Recordings belong to calls only.');
  const id = newId();
  const file = storeRecording(recordingsDir, id, sniffed.ext, bytes, localDate(ctx.now, ctx.timeZone));
  const retainUntil = new Date(ctx.now.getTime() + recordingRetentionDays * 86_400_000).toISOString();
  const digest = sha256(bytes);
  try {
    inTransaction(ctx, (tx) => {
      repo.insertRecording(tx, { id, contactId, sha256: digest, size: bytes.length, mediaType: sniffed.mediaType, file, uploadedAt: ctx.now.toISOString(), uploadedBy: actor.id, retainUntil });
      audit(tx, ctx, { action: 'recording.upload', entityType: 'recording', entityId: id, patientId: contact.patientId, detail: { size: bytes.length, mediaType: sniffed.mediaType } });
    });
  } catch (error) {
    removeRecording(recordingsDir, file);
    throw error;
  }
  return { id, contactId, size: bytes.length, mediaType: sniffed.mediaType, sha256: digest, retainUntil };
}

export async function playRecording(ctx: ServiceContext, id: string): Promise<{ mediaType: string; bytes: Buffer }> {
  authorize(ctx, 'recordings.play');
  const row = inReadSnapshot(ctx, (tx) => {
    const recording = repo.findRecording(tx, id);
    return recording && !recording.deletedAt ? { recording, contact: repo.findContact(tx, recording.contactId)! } : undefined;
  });
  if (!row) throw new NotFound('contacts.recording_not_found', `No recording with id ${id}.`);
  const bytes = readFileSync(recordingPath(ctx.callcentre.settings.recordingsDir, row.recording.file));
  // A file changed on disk is not played as if it were the call.
  if (sha256(bytes) !== row.recording.sha256) throw new Conflict('contacts.recording_altered', 'The stored recording no longer matches its checksum.');
  await auditRead(ctx, { action: 'recording.play', entityType: 'recording', entityId: id, patientId: row.contact.patientId });
  return { mediaType: row.recording.mediaType, bytes };
}

/** The retention job: recordings past their date are deleted from disk and marked. */
export function deleteExpiredRecordings(ctx: ServiceContext): { deleted: number } {
  return inTransaction(ctx, (tx) => {
    const rows = repo.expiredRecordings(tx, ctx.now.toISOString(), 1000);
    for (const row of rows) {
      removeRecording(ctx.callcentre.settings.recordingsDir, row.file);
      repo.markRecordingDeleted(tx, row.id, ctx.now.toISOString());
    }
    if (rows.length > 0) audit(tx, ctx, { action: 'recording.expire', entityType: 'recording', detail: { deleted: rows.length } });
    return { deleted: rows.length };
  });
}

/**
 * Whose contacts the caller may pick on the contact-log page: an admin everyone active, a manager their
 * department's staff (whose contacts they score), anyone else themselves.
 */
export async function contactStaffChoices(ctx: ServiceContext): Promise<{ id: string; name: string }[]> {
  const actor = authorize(ctx, 'contacts.read');
  if (actor.role === 'admin') return (await listStaff(ctx, { limit: 500 })).items.filter((s) => s.active).map((s) => ({ id: s.id, name: s.displayName }));
  if (actor.role === 'manager' && actor.departmentId) return inReadSnapshot(ctx, (tx) => staffOfDepartment(tx, actor.departmentId!, ROLES).map((s) => ({ id: s.id, name: s.displayName })));
  return [{ id: actor.id, name: actor.username }];
}
