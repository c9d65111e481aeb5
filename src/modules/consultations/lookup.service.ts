import type { ServiceContext } from '../../lib/context.js';
import { inReadSnapshot } from '../../lib/transaction.js';
import { auditRead } from '../audit/audit.reads.js';
import { invalidNumbersOf } from '../contacts/contacts.service.js';
import { riskOf } from '../feedback/feedback.intake.js';
import { callerIdentity, patientIdsWithPhone } from '../patients/patients.service.js';
import { phoneOrInvalid } from '../patients/phone.js';
import { authorize } from '../staff/permissions.js';
import type { CallerCard, LookupResult } from './consultations.schemas.js';

/** How many files one number may open on the screen-pop (a family sharing a landline). */
const MAX_MATCHES = 10;

/**
 * The screen-pop: a number in any common form to the patients who hold it, each as a card of what an agent may
 * see: identity (masked ID), consent, risk, invalid numbers and every registered section (complaints, contacts,
 * and, once their modules register, appointments and follow-up tasks). Never clinical notes.
 */
export async function lookupCaller(ctx: ServiceContext, phone: string): Promise<LookupResult> {
  const actor = authorize(ctx, 'consultations.lookup');
  const parsed = phoneOrInvalid(phone, 'phone', 'consultations.bad_phone');
  const matches = inReadSnapshot(ctx, (tx) =>
    patientIdsWithPhone(tx, parsed.e164)
      .slice(0, MAX_MATCHES)
      .flatMap((patientId): CallerCard[] => {
        const who = callerIdentity(tx, ctx, actor, patientId);
        if (!who) return [];
        return [
          {
            patientId,
            name: who.name,
            gender: who.gender,
            age: who.age,
            residentId: who.residentId,
            phone: who.phone,
            consent: who.consent,
            atRisk: riskOf(tx, ctx, patientId),
            invalidNumbers: invalidNumbersOf(tx, patientId),
            sections: ctx.callcentre.card.sections().map((s) => ({ key: s.key, title: s.title, items: s.items(tx, patientId, actor, ctx.now) })),
            actions: ctx.callcentre.card.actions().map((a) => ({ key: a.key, title: a.title, href: a.href(patientId) })),
          },
        ];
      }),
  );
  await auditRead(ctx, { action: 'consultation.lookup', entityType: 'patient', detail: { kind: parsed.kind, returned: matches.map((m) => m.patientId) } });
  return { phone: parsed.e164, kind: parsed.kind, matches };
}
