import type { Db } from '../../db/client.js';
import { systemContext, type Deps } from '../../src/lib/context.js';
import { newId } from '../../src/lib/ids.js';
import { inTransaction } from '../../src/lib/transaction.js';
import { bumpRollup, insertResponse } from '../../src/modules/followup/followup.repository.js';
import { checkAnswers } from '../../src/modules/followup/questionnaire/answers.js';
import { flattenAnswers, toQuestionnaireResponse } from '../../src/modules/followup/questionnaire/response.js';
import { scoreResponse } from '../../src/modules/followup/questionnaire/scoring.js';
import { insertNewPatient } from '../../src/modules/patients/patients.service.js';
import { createDepartment } from '../../src/modules/staff/staff.service.js';
import { aPatient } from '../helpers/factories.js';
import { emit, note } from './report.js';
import { cachedBenchDatabase } from './fixture.js';

const FIXTURE_VERSION = 1;
export const OUTPATIENT = 'https://hcrm.example/fhir/Questionnaire/outpatient-satisfaction';
const DEPARTMENTS = 12;
const PATIENTS = 5000;

/**
 * The follow-up benchmark hospital: 12 departments, 5,000 patients and BENCH_RESPONSES (default 1,000,000)
 * outpatient satisfaction responses spread over 24 months, each with its FHIR resource, answer rows and rollup.
 * Responses are written through the repository in large transactions without an audit row each: building the
 * fixture is not what is measured, and a million audit rows would only lengthen it. Kept in the temp folder.
 */
export async function followupHospital(): Promise<{ db: Db; deps: Deps; responses: number }> {
  const responses = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
  const opened = await cachedBenchDatabase(`followup-v${FIXTURE_VERSION}-${responses}`, async (deps, path) => {
    const ctx = systemContext(deps, 'bench');
    const departments: string[] = [];
    for (let d = 0; d < DEPARTMENTS; d++) departments.push((await createDepartment(ctx, { code: `D${d}`, nameZh: `科室${d}`, nameEn: `Dept ${d}` })).id);
    const patients = inTransaction(ctx, (tx) => Array.from({ length: PATIENTS }, () => insertNewPatient(tx, ctx, aPatient({ identifiers: [], residentId: null, phone: null }))));
    const entry = deps.questionnaires.find(OUTPATIENT)!;
    note(`generating ${responses} responses into ${path} (reused by later runs)`);
    const started = performance.now();
    // A few hundred distinct answer sets, scored once each: the shape of real data without re-scoring a million times.
    const variants = Array.from({ length: 500 }, (_, i) => {
      const pick = (n: number) => String(1 + ((i * 7 + n * 13) % 5));
      const raw = { doctor: pick(1), explanation: pick(2), nursing: pick(3), waiting: pick(4), environment: pick(5), cost: pick(6), overall: pick(7), nps: (i * 3) % 11 };
      const { answers } = checkAnswers(entry.definition, raw, { disabledAnswers: 'drop' });
      const scores = scoreResponse(entry.definition, answers);
      return { answers, scores, rows: flattenAnswers(entry.definition, answers, scores) };
    });
    const start = Date.parse('2024-12-01T00:00:00Z');
    const span = Date.parse('2026-11-30T00:00:00Z') - start;
    for (let done = 0; done < responses; ) {
      const batch = Math.min(20_000, responses - done);
      inTransaction(deps, (tx) => {
        for (let k = 0; k < batch; k++) {
          const n = done + k;
          const v = variants[n % variants.length]!;
          const at = new Date(start + Math.floor((n / responses) * span));
          const id = newId();
          const patientId = patients[n % PATIENTS]!;
          const departmentId = departments[(n * 31) % DEPARTMENTS]!;
          const month = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
          const fhir = toQuestionnaireResponse(entry.definition, entry.version, v.answers, v.scores, { id, patientId, encounterId: null, authored: at.toISOString(), source: { kind: 'patient' } });
          insertResponse(
            tx,
            { id, questionnaireId: entry.id, patientId, departmentId, source: 'patient', recordedBy: 'bench', authoredAt: at.toISOString(), month, totalScore: v.scores.total, subScores: { byGroup: v.scores.byGroup, byTag: v.scores.byTag }, satisfaction: v.scores.satisfaction, nps: v.scores.nps, fhir: JSON.stringify(fhir) },
            v.rows,
          );
          bumpRollup(tx, { url: entry.url, departmentId, month }, v.scores.satisfaction, v.scores.nps);
        }
      });
      done += batch;
      if (done % 100_000 === 0) note(`  ${done} responses, ${Math.round(done / ((performance.now() - started) / 1000))}/s`);
    }
    emit('followup', 'fixture_responses_per_s', responses / ((performance.now() - started) / 1000), 'responses/s');
  }, { durableBuild: false });
  return { db: opened.db, deps: opened.deps, responses };
}
