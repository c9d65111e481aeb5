import * as messaging from '../messaging/messaging.service.js';

/**
 * The messaging verbs care uses, gathered so tests pass a recording outbox and assert what care asked for.
 * In the running service they are exactly messaging's own functions.
 */
export interface CareOutbox {
  enqueueMessage: typeof messaging.enqueueMessage;
  cancelMessages: typeof messaging.cancelMessages;
  messageCountsBySubject: typeof messaging.messageCountsBySubject;
}

export const messagingOutbox: CareOutbox = {
  enqueueMessage: (...args) => messaging.enqueueMessage(...args),
  cancelMessages: (...args) => messaging.cancelMessages(...args),
  messageCountsBySubject: (...args) => messaging.messageCountsBySubject(...args),
};

/** What care needs besides the common Deps: the outbox and the greeting settings from config.ts. */
export interface CareDeps {
  outbox: CareOutbox;
  /** Local HH:MM at which birthday and festival greetings go out. */
  greetingTime: string;
  /** Festivals on fixed solar dates (MM-DD) greeted besides the lunar ones. */
  solarFestivals: { name: string; monthDay: string }[];
}

export function careDeps(options: Partial<CareDeps> = {}): CareDeps {
  return { outbox: options.outbox ?? messagingOutbox, greetingTime: options.greetingTime ?? '09:00', solarFestivals: options.solarFestivals ?? [] };
}
