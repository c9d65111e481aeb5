import type { Tx } from '../../../db/client.js';

/** Null: the message still has a reason to go out; a string: why it must be cancelled instead. */
export type SendCheck = (tx: Tx, message: { purpose: string; patientId: string; subject: { type: string; id: string } | null }) => string | null;

/**
 * Why a queued message must still go out is known by the module that queued it (the appointment is still booked,
 * the questionnaire still unanswered). Modules register a check by purpose or by subject type at start; the
 * dispatcher runs the matching ones just before sending.
 */
export class SendCheckRegistry {
  readonly #checks = new Map<string, SendCheck[]>();

  register(purposeOrSubjectType: string, check: SendCheck): void {
    this.#checks.set(purposeOrSubjectType, [...(this.#checks.get(purposeOrSubjectType) ?? []), check]);
  }

  /** The first reason to cancel, or null. */
  run(tx: Tx, message: { purpose: string; patientId: string; subject: { type: string; id: string } | null }): string | null {
    const keys = message.subject && message.subject.type !== message.purpose ? [message.purpose, message.subject.type] : [message.purpose];
    for (const key of keys) {
      for (const check of this.#checks.get(key) ?? []) {
        const reason = check(tx, message);
        if (reason !== null) return reason;
      }
    }
    return null;
  }
}
