import type { Tx } from '../../../db/client.js';
import { instantAtLocalTime, localDate } from '../../lib/clock.js';
import type { ServiceContext } from '../../lib/context.js';
import { audit } from '../audit/audit.service.js';
import type { EnqueueMessage } from '../messaging/messaging.service.js';
import { patientsInSegment, patientsWithBirthday, type OutreachPatient } from '../patients/patients.service.js';
import { inBatches } from './batches.js';
import type { CareDeps } from './care.deps.js';
import { festivalDisplayName, festivalsOn } from './festivals.js';

const BATCH = 500;

/*
 * Greetings are relationship messages, not care the patient needs: they are queued in the `marketing` category,
 * so a patient who agreed to care messages only (reminders about their own treatment) does not get them, and the
 * marketing cap applies. That is the safer reading of consent; a hospital that treats them as care changes it here.
 */
const GREETING_CATEGORY = 'marketing' as const;

export type GreetingCounts = { patients: number; queued: number; existing: number };

/** Birthdays of today (local); 29 February birthdays are greeted on the 28th in common years. */
export async function queueBirthdayGreetings(ctx: ServiceContext, care: CareDeps): Promise<GreetingCounts> {
  const today = localDate(ctx.now, ctx.timeZone);
  const year = Number(today.slice(0, 4));
  const monthDays = [today.slice(5)];
  if (monthDays[0] === '02-28' && !isLeapYear(year)) monthDays.push('02-29');
  const at = sendTime(ctx, care, today);
  return queueInBatches(ctx, 'birthday', (tx, after) => patientsWithBirthday(tx, monthDays, after, BATCH), (patient) => ({
    purpose: 'birthday-greeting',
    category: GREETING_CATEGORY,
    patientId: patient.id,
    template: 'care.birthday',
    variables: { patientName: patient.name },
    scheduledAt: at,
    dedupeKey: `birthday:${patient.id}:${year}`,
    subject: { type: 'greeting', id: `birthday:${year}` },
  }), care);
}

/** Festivals of today (local): the lunar ones and the configured solar dates; Double Ninth only to patients 60+. */
export async function queueFestivalGreetings(ctx: ServiceContext, care: CareDeps): Promise<GreetingCounts & { festivals: number }> {
  const today = localDate(ctx.now, ctx.timeZone);
  const year = today.slice(0, 4);
  const at = sendTime(ctx, care, today);
  const total = { festivals: 0, patients: 0, queued: 0, existing: 0 };
  for (const festival of festivalsOn(today, care.solarFestivals)) {
    const segment = festival.minAge === undefined ? {} : { minAge: festival.minAge };
    const counts = await queueInBatches(ctx, 'festival', (tx, after) => patientsInSegment(tx, ctx, segment, after, BATCH), (patient) => ({
      purpose: 'festival-greeting',
      category: GREETING_CATEGORY,
      patientId: patient.id,
      template: 'care.festival',
      variables: { patientName: patient.name, festival: festivalDisplayName(festival.name, patient.preferredLanguage) },
      scheduledAt: at,
      dedupeKey: `festival:${festival.name}:${year}:${patient.id}`,
      subject: { type: 'greeting', id: `festival:${festival.name}:${year}` },
    }), care);
    total.festivals++;
    total.patients += counts.patients;
    total.queued += counts.queued;
    total.existing += counts.existing;
  }
  return total;
}

/** At the greeting time, or now when the job runs late (a catch-up after downtime). */
function sendTime(ctx: ServiceContext, care: CareDeps, today: string): Date {
  const planned = instantAtLocalTime(today, care.greetingTime, ctx.timeZone);
  return planned > ctx.now ? planned : ctx.now;
}

/** One transaction per batch of patients, with one audit row naming how many were queued. */
async function queueInBatches(
  ctx: ServiceContext,
  kind: string,
  read: (tx: Tx, after: string | undefined) => OutreachPatient[],
  message: (patient: OutreachPatient) => EnqueueMessage,
  care: CareDeps,
): Promise<GreetingCounts> {
  const counts = { patients: 0, queued: 0, existing: 0 };
  counts.patients = await inBatches(ctx, BATCH, read, (tx, batch) => {
    let created = 0;
    for (const patient of batch) if (care.outbox.enqueueMessage(tx, ctx, message(patient)).created) created++;
    if (created > 0) audit(tx, ctx, { action: `greeting.${kind}.queue`, entityType: 'greeting', detail: { queued: created } });
    counts.queued += created;
    counts.existing += batch.length - created;
  });
  return counts;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
