import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

const h = await useTestHospital();
const agent = await h.signIn('agent');
for (let i = 0; i < 5; i++) {
  const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: aPatient({ identifiers: [] }) });
  await h.app.inject({ method: 'GET', url: `/api/patients/${reply.json().id}`, headers: agent.headers });
}
const rowCount = () => (h.db.$client.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;

describe('the audit hash chain', () => {
  it('reports an intact chain with the number of rows verified', () => {
    expect(verifyAuditChain(h.db)).toEqual({ ok: true, rows: rowCount() });
  });

  it('chains every row to the one before it', () => {
    const rows = h.db.$client.prepare('SELECT prev_hash, hash FROM audit_log ORDER BY seq').all() as { prev_hash: string; hash: string }[];
    expect(rows[0]?.prev_hash).toBe('0'.repeat(64));
    rows.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(rows[i]?.hash));
  });

  it('names the first row whose content was changed behind the triggers’ back', () => {
    h.db.$client.exec('DROP TRIGGER audit_log_no_update');
    h.db.$client.prepare("UPDATE audit_log SET detail = '{\"clinical\":true}' WHERE seq = 6").run();
    h.db.$client.prepare("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 9").run();
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: false, brokenAtSeq: 6, rows: 6, reason: expect.stringMatching(/content/) });
  });

  it('names the row after one that was deleted', () => {
    h.db.$client.exec('DROP TRIGGER audit_log_no_delete');
    h.db.$client.prepare("UPDATE audit_log SET detail = NULL WHERE seq = 6").run();
    h.db.$client.prepare('DELETE FROM audit_log WHERE seq BETWEEN 1 AND 3').run();
    expect(verifyAuditChain(h.db)).toMatchObject({ ok: false, brokenAtSeq: 4, reason: expect.stringMatching(/prev_hash/) });
  });
});
