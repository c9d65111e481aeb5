import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { addIdentifiers, patientIdByIdentifiers, patientIdsByResidentId } from '../patients/patients.feeds.js';
import { insertNewPatient } from '../patients/patients.service.js';
import type { CreatePatientBody } from '../patients/patients.schemas.js';
import type { CanonicalPerson } from './canonical.js';

export interface Resolution {
  /** Null only when the decision is `review`: nobody is written until a person decides. */
  patientId: string | null;
  /** created: a new file; updated: the same source's record; linked: joined to a file found another way; review: unsure. */
  decision: 'created' | 'linked' | 'updated' | 'review';
  explanation?: { rule: string; [detail: string]: unknown };
}

/**
 * Decides which patient file an incoming person is, inside the import's transaction. These are the deterministic
 * rules: the same identifier from the same source is that patient; the same resident ID number is that patient;
 * anyone else is a new patient. The identity module's probabilistic matcher (blocking, Fellegi–Sunter weights,
 * review thresholds) plugs in here with this same signature, between the resident-ID rule and "new patient".
 */
export function resolvePatient(tx: Tx, ctx: ServiceContext, person: CanonicalPerson, options: { assertedAt: string }): Resolution {
  const identifiers = person.identifiers.map((i) => ({ system: i.system, value: i.value }));
  const byIdentifier = patientIdByIdentifiers(tx, identifiers);
  if (byIdentifier) return { patientId: byIdentifier, decision: 'updated', explanation: { rule: 'same-source-identifier' } };

  if (person.residentId) {
    const owners = patientIdsByResidentId(tx, ctx, person.residentId);
    if (owners.length === 1) {
      addIdentifiers(tx, owners[0]!, identifiers);
      return { patientId: owners[0]!, decision: 'linked', explanation: { rule: 'same-resident-id' } };
    }
    if (owners.length > 1) return { patientId: null, decision: 'review', explanation: { rule: 'resident-id-on-several-files', candidates: owners } };
  }

  const body: CreatePatientBody = {
    name: person.name,
    gender: person.gender,
    birthDate: person.birthDate ?? null,
    residentId: person.residentId ?? null,
    phone: person.phone ?? null,
    email: person.email ?? null,
    ...(person.address ? { address: person.address } : {}),
    occupation: person.occupation ?? null,
    employer: person.employer ?? null,
    source: 'his-import',
    consent: (person.consent ?? []).map((c) => ({ ...c, method: 'import' as const })),
    identifiers,
  };
  const patientId = insertNewPatient(tx, ctx, body, { source: `import:${person.source.system}`, assertedAt: options.assertedAt });
  return { patientId, decision: 'created', explanation: { rule: 'no-match' } };
}
