import { beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/lib/transaction.js';
import { recordDecision } from '../../src/modules/identity/identity.resolution.js';
import { createPatient } from '../../src/modules/patients/patients.service.js';
import { aPatient } from '../helpers/factories.js';
import { useBrowserHospital } from './browser.js';

/*
 * A department manager opens the review queue in the browser, compares the two files side by side with the
 * reasons field by field, and confirms they are one person; the imported file then points to the surviving one.
 */
const { h, signedIn } = await useBrowserHospital();
let reviewId: string;
let importedId: string;
let existingId: string;

beforeAll(async () => {
  const existing = await createPatient(h.system(), aPatient({ name: '黄晓明', birthDate: '1977-11-13' }));
  const imported = await createPatient(h.system(), aPatient({ name: '黄小明<b>', birthDate: '1977-11-13' }));
  existingId = existing.id;
  importedId = imported.id;
  inTransaction(h.deps, (tx) =>
    recordDecision(
      tx,
      h.system(),
      {
        decision: 'review',
        candidateId: existing.id,
        explanation: {
          method: 'probabilistic', candidatePersonId: existing.id, candidateRecord: null, candidatesCompared: 2, score: 16.4, linkThreshold: 20, reviewThreshold: 10,
          fields: [{ field: 'givenName', level: 'close', weight: 3.4, note: 'homophone' }, { field: 'birthDate', level: 'exact', weight: 9.8 }], heldForReview: null, ruledOut: null,
        },
      },
      imported.id,
      { source: 'emr', recordKey: 'k-1', runId: null },
    ),
  );
  reviewId = (h.db.$client.prepare('SELECT id FROM identity_reviews WHERE patient_id = ?').get(imported.id) as { id: string }).id;
});

describe('the patient index review page', () => {
  it('lets a manager compare the pair and link it; the imported file is merged into the existing one', async () => {
    const { context } = await signedIn('manager', { departmentId: null });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await page.goto('/app/identity/reviews');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('患者主索引');
    expect(await page.locator('table').textContent()).toContain('黄晓明');
    await page.getByRole('link', { name: '核对', exact: true }).click();
    await page.waitForURL(/\/app\/identity\/reviews\/.+/);
    expect(await page.getByRole('region', { name: '新导入的档案' }).textContent()).toContain('黄小明<b>');
    expect(await page.locator('table').textContent()).toMatch(/名\s*接近\s*3\.4\s*homophone/);
    await page.getByRole('button', { name: '同一人：并入已有档案' }).click();
    await page.waitForURL(/notice=decided/);
    expect(await page.locator('.banner, [role="status"], [role="alert"]').first().textContent()).toContain('已记录核对结论');
    const row = h.db.$client.prepare('SELECT active, merged_into_id AS m FROM patients WHERE id = ?').get(importedId) as { active: number; m: string };
    expect(row).toEqual({ active: 0, m: existingId });
    expect((h.db.$client.prepare('SELECT status FROM identity_reviews WHERE id = ?').get(reviewId) as { status: string }).status).toBe('linked');
    await context.close();
  });

  it('is in English too, and refuses a doctor', async () => {
    const { context } = await signedIn('admin', { departmentId: null });
    const page = await context.newPage();
    await page.goto('/app/identity/reviews?status=linked&lang=en');
    expect(await page.locator('body').textContent()).toMatch(/Patient index|患者主索引/);
    await context.close();
    const doctor = await signedIn('doctor', { departmentId: null });
    const refused = await doctor.context.newPage();
    const response = await refused.goto('/app/identity/reviews');
    expect(response?.status()).toBe(403);
    await doctor.context.close();
  });
});
