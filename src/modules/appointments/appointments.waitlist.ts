import { createHash } from 'node:crypto';
import type { Tx } from '../../../db/client.js';
import { newOpaqueToken } from '../../lib/crypto.js';
import type { ServiceContext } from '../../lib/context.js';
import { Conflict, Gone, NotFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { messageDateTime } from '../messaging/format.js';
import { enqueueMessage } from '../messaging/messaging.service.js';
import { contactProfile, outreachPatient, patientRef } from '../patients/patients.service.js';
import { authorize } from '../staff/permissions.js';
import { departmentNames } from '../staff/staff.service.js';
import { doctorNotFound, patientNotFound } from './appointments.errors.js';
import { queueNotice, queueReminders } from './appointments.notices.js';
import * as repo from './appointments.repository.js';
import { toAppointment } from './appointments.service.js';
import type { Appointment } from './appointments.schemas.js';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface WaitlistEntry {
  id: string;
  patientId: string;
  doctorId: string;
  date: string;
  status: repo.WaitlistRow['status'];
  createdAt: string;
  offerExpiresAt: string | null;
  appointmentId: string | null;
}

const view = (row: repo.WaitlistRow): WaitlistEntry => ({
  id: row.id,
  patientId: row.patientId,
  doctorId: row.doctorId,
  date: row.date,
  status: row.status,
  createdAt: row.createdAt,
  offerExpiresAt: row.offerExpiresAt,
  appointmentId: row.appointmentId,
});

/** Staff put a patient (a caller who found the day full) on the doctor's waiting list for that day. */
export async function joinWaitlist(ctx: ServiceContext, body: { patientId: string; doctorId: string; date: string }): Promise<WaitlistEntry> {
  authorize(ctx, 'appointments.book');
  return inTransaction(ctx, (tx) => {
    if (!patientRef(tx, body.patientId)?.active) throw patientNotFound(body.patientId);
    if (!repo.findDoctor(tx, body.doctorId)) throw doctorNotFound(body.doctorId);
    const id = newId();
    repo.insertWaitlist(tx, { id, ...body, status: 'waiting', createdAt: ctx.now.toISOString() });
    audit(tx, ctx, { action: 'waitlist.join', entityType: 'waitlist', entityId: id, patientId: body.patientId, detail: { doctorId: body.doctorId, date: body.date } });
    return view(repo.findWaitlist(tx, id)!);
  });
}

/**
 * A place in this slot was just given back (inside the caller's transaction). If someone waits for the doctor's
 * day, the place is taken again at once and held for them, and they get an SMS with a single-use link; only the
 * link's hash is kept. Returns whether it was offered.
 */
export function offerFreedPlace(tx: Tx, ctx: ServiceContext, slotId: string, channel: repo.Channel): boolean {
  const slot = repo.findSlot(tx, slotId);
  const session = slot && repo.findSession(tx, slot.sessionId);
  if (!slot || !session || session.status !== 'open' || new Date(slot.startAt) <= ctx.now) return false;
  for (let entry = repo.firstWaiting(tx, session.doctorId, session.date); entry; entry = repo.firstWaiting(tx, session.doctorId, session.date)) {
    if (!patientRef(tx, entry.patientId)?.active || repo.hasOpenWithDoctorOn(tx, entry.patientId, session.doctorId, session.date)) {
      repo.updateWaitlist(tx, entry.id, 'waiting', { status: 'cancelled' });
      continue;
    }
    const place = repo.takePlace(tx, slot.id, session.id, channel);
    if (!place) return false;
    const token = newOpaqueToken();
    const minutes = ctx.appointments.waitlistHoldMinutes;
    const expiresAt = new Date(ctx.now.getTime() + minutes * 60_000);
    repo.updateWaitlist(tx, entry.id, 'waiting', {
      status: 'offered',
      offeredSlotId: slot.id,
      offerChannel: channel,
      offerFromReserve: place.fromReserve,
      offerTokenHash: tokenHash(token),
      offeredAt: ctx.now.toISOString(),
      offerExpiresAt: expiresAt.toISOString(),
    });
    const profile = contactProfile(tx, entry.patientId);
    const locale = profile?.preferredLanguage ?? 'zh-CN';
    const names = departmentNames(tx, session.departmentId);
    enqueueMessage(tx, ctx, {
      purpose: 'appointment-waitlist-offer',
      category: 'care',
      urgent: true,
      patientId: entry.patientId,
      template: 'appointment.waitlist-offer',
      variables: {
        patientName: outreachPatient(tx, entry.patientId)?.name ?? '',
        department: names ? (locale === 'en' ? names.nameEn : names.nameZh) : '',
        doctor: repo.findDoctor(tx, session.doctorId)?.name ?? '',
        time: messageDateTime(new Date(slot.startAt), ctx.timeZone, locale),
        link: `${ctx.followup.publicUrl}/book/offer/${token}`,
        minutes: String(minutes),
      },
      scheduledAt: ctx.now,
      dedupeKey: `appointment-waitlist-offer:${entry.id}`,
      subject: { type: 'waitlist', id: entry.id },
    });
    audit(tx, ctx, { action: 'waitlist.offer', entityType: 'waitlist', entityId: entry.id, patientId: entry.patientId, detail: { slotId: slot.id } });
    return true;
  }
  return false;
}

/** What the offer link shows: the held slot and until when; a used, expired or unknown link says which. */
export async function openOffer(ctx: ServiceContext, token: string): Promise<{ entry: WaitlistEntry; doctorName: string; startAt: string }> {
  return inTransaction(ctx, (tx) => {
    const entry = offerOf(tx, ctx, token);
    const slot = repo.findSlot(tx, entry.offeredSlotId!)!;
    return { entry: view(entry), doctorName: repo.findDoctor(tx, entry.doctorId)?.name ?? '', startAt: slot.startAt };
  });
}

function offerOf(tx: Tx, ctx: ServiceContext, token: string): repo.WaitlistRow {
  const entry = token.length <= 128 ? repo.waitlistByToken(tx, tokenHash(token)) : undefined;
  if (!entry) throw new NotFound('appointments.offer_not_found', 'No such offer: the link may be mistyped.');
  if (entry.status === 'booked') throw new Conflict('appointments.offer_used', 'This offer has already been booked.');
  if (entry.status !== 'offered' || (entry.offerExpiresAt ?? '') <= ctx.now.toISOString()) throw new Gone('appointments.offer_expired', 'This offer has expired and the place went to the next patient.');
  return entry;
}

/** The patient takes the held place: it becomes their booking, confirmed and reminded like any other. */
export async function acceptOffer(ctx: ServiceContext, token: string): Promise<Appointment> {
  return inTransaction(ctx, (tx) => {
    const entry = offerOf(tx, ctx, token);
    const slot = repo.findSlot(tx, entry.offeredSlotId!)!;
    const session = repo.findSession(tx, slot.sessionId)!;
    const id = newId();
    repo.insertAppointment(tx, {
      id,
      patientId: entry.patientId,
      slotId: slot.id,
      sessionId: session.id,
      doctorId: session.doctorId,
      departmentId: session.departmentId,
      date: session.date,
      startAt: slot.startAt,
      type: 'outpatient',
      channel: entry.offerChannel ?? 'web',
      fromReserve: entry.offerFromReserve ?? false,
      status: 'booked',
      bookedBy: 'patient:waitlist',
      createdAt: ctx.now.toISOString(),
      leadDays: 0,
    });
    repo.updateWaitlist(tx, entry.id, 'offered', { status: 'booked', appointmentId: id });
    const row = repo.findAppointment(tx, id)!;
    queueNotice(tx, ctx, row, 'confirmation');
    queueReminders(tx, ctx, row);
    audit(tx, ctx, { action: 'appointment.book', entityType: 'appointment', entityId: id, patientId: entry.patientId, reason: 'waiting-list offer accepted' });
    return toAppointment(tx, row);
  });
}

/** The job: offers not taken in time give their place back, and it is offered to the next patient waiting. */
export async function expireOffers(ctx: ServiceContext): Promise<{ expired: number; reoffered: number }> {
  authorize(ctx, 'appointments.book');
  return inTransaction(ctx, (tx) => {
    const counts = { expired: 0, reoffered: 0 };
    for (const entry of repo.expiredOffers(tx, ctx.now.toISOString())) {
      if (!repo.updateWaitlist(tx, entry.id, 'offered', { status: 'expired' })) continue;
      const slot = repo.findSlot(tx, entry.offeredSlotId!)!;
      const session = repo.findSession(tx, slot.sessionId)!;
      repo.givePlace(tx, slot.id, session.id, entry.offerChannel ?? 'web', (entry.offerFromReserve ?? false) && session.reservesReleasedAt === null);
      counts.expired++;
      if (offerFreedPlace(tx, ctx, slot.id, entry.offerChannel ?? 'web')) counts.reoffered++;
    }
    return counts;
  });
}

/** Freed places offered from the waiting list and how many were booked: the refill rate. */
export async function refillRate(ctx: ServiceContext, doctorId?: string): Promise<{ offered: number; refilled: number; rate: number | null }> {
  authorize(ctx, 'appointments.read');
  return inTransaction(ctx, (tx) => {
    const { offered, refilled } = repo.refillCounts(tx, doctorId);
    return { offered, refilled, rate: offered === 0 ? null : refilled / offered };
  });
}
