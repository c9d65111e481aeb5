import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { AppError } from '../../lib/errors.js';
import type { FollowupVisitBooking } from '../followup/worklist/visits.js';
import { bookIn, type Booker } from './appointments.service.js';
import { freeFor } from './appointments.schedules.js';
import * as repo from './appointments.repository.js';

/**
 * Follow-up visits (复诊) booked through the clinic schedule: the first free place that day in the department, as
 * the desk would book it, with every booking rule applied. When no session is open that day, or the patient may
 * not book there (already booked with that doctor, too many open bookings), follow-up falls back to its re-check
 * reminder.
 */
export const followupVisitBooking: FollowupVisitBooking = {
  bookFollowupVisit(tx: Tx, ctx: ServiceContext, request) {
    const booker: Booker = { channel: 'desk', staff: ctx.actor.kind === 'staff' ? ctx.actor : null, label: `followup:${request.visitId}` };
    for (const session of repo.sessionsOfDepartment(tx, request.departmentId, request.date, request.date)) {
      if (session.status !== 'open' || freeFor(session, 'desk') === 0) continue;
      for (const slot of repo.slotsOfSession(tx, session.id)) {
        try {
          // bookIn checks every rule before it writes, so a refusal leaves nothing behind.
          return { appointmentId: bookIn(tx, ctx, booker, request.patientId, slot.id, 'followup').id };
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
        }
      }
    }
    return null;
  },
};
