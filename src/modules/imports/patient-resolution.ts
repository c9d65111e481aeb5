import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { decidePerson, recordDecision } from '../identity/identity.resolution.js';
import { addIdentifiers } from '../patients/patients.feeds.js';
import { insertNewPatient } from '../patients/patients.service.js';
import type { CreatePatientBody } from '../patients/patients.schemas.js';
import type { CanonicalPerson } from './canonical.js';

export interface Resolution {
  /** Null only when the record must wait in quarantine (several files share its resident ID). */
  patientId: string | null;
  /**
   * created: a new file; updated: the file holding the record's identifier; linked: joined to a file found by
   * resident ID or by score; review: a new file, paired with the one it resembles in the review queue.
   */
  decision: 'created' | 'linked' | 'updated' | 'review';
  explanation?: { rule: string; [detail: string]: unknown };
}

/**
 * Decides which patient file an incoming person is, inside the import's transaction, through the identity
 * module: deterministic links first (the same identifier; the same trusted resident ID), then the Fellegi–Sunter
 * score against the two thresholds (link, review, new). Every decision is kept with its explanation.
 */
export function resolvePatient(tx: Tx, ctx: ServiceContext, person: CanonicalPerson, options: { assertedAt: string; runId: string; source: string; recordKey: string }): Resolution {
  const identifiers = person.identifiers.map((i) => ({ system: i.system, value: i.value }));
  const decided = decidePerson(tx, ctx, { ...person, identifiers });
  const meta = { source: options.source, recordKey: options.recordKey, runId: options.runId };
  if (decided.decision === 'ambiguous') return { patientId: null, decision: 'review', explanation: { rule: 'resident-id-on-several-files', candidates: decided.candidates } };
  if (decided.decision === 'updated' || decided.decision === 'linked') {
    if (decided.decision === 'linked') addIdentifiers(tx, decided.patientId, identifiers);
    recordDecision(tx, ctx, decided, decided.patientId, meta);
    return { patientId: decided.patientId, decision: decided.decision, explanation: { rule: decided.explanation.method } };
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
  recordDecision(tx, ctx, decided, patientId, meta);
  if ('prepared' in decided && decided.prepared) ctx.patientIndex.adopt(patientId, decided.prepared);
  return { patientId, decision: decided.decision === 'review' ? 'review' : 'created', explanation: { rule: decided.decision === 'review' ? 'review' : 'no-match' } };
}
