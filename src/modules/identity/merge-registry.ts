import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';

/**
 * Everything that belongs to a patient file and must follow it when two files are merged: identifiers and
 * visits (patients), queued messages (messaging), questionnaire invitations (follow-up), care reminders, and
 * whatever later modules hold (bookings, open complaints). Each module registers a participant at start, like a
 * timeline provider, so that identity merges without knowing their tables.
 *
 * `repoint` moves the rows from the merged file to the survivor and returns their ids; the merge record keeps
 * them, and `restore` moves exactly those rows back when the merge is undone (rows created on the survivor after
 * the merge stay there). Both run inside the merge's transaction and must not do anything slow or remote.
 */
export interface MergeParticipant {
  name: string;
  repoint(tx: Tx, fromId: string, toId: string, ctx: ServiceContext): string[];
  restore(tx: Tx, ids: readonly string[], toId: string, ctx: ServiceContext): void;
}

export class MergeRegistry {
  readonly #participants = new Map<string, MergeParticipant>();

  register(participant: MergeParticipant): void {
    if (this.#participants.has(participant.name)) throw new Error(`merge participant "${participant.name}" registered twice`);
    this.#participants.set(participant.name, participant);
  }

  names(): string[] {
    return [...this.#participants.keys()];
  }

  get(name: string): MergeParticipant | undefined {
    return this.#participants.get(name);
  }

  all(): MergeParticipant[] {
    return [...this.#participants.values()];
  }
}
