import { describe, expect, it } from 'vitest';
import { useTestHospital } from '../helpers/app.js';

/* The admins' routing-rule page keeps every rule's assignee among its choices, whoever the API named. */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const admin = await h.signIn('admin');
const nurse = await h.signIn('nurse', { departmentId: await h.department('CARD', '心内科') });

describe('the routing-rule page', () => {
  it("offers a rule's assignee who is neither manager nor admin, selected, so saving the rule keeps them", async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/feedback/rules', headers: admin.headers, payload: { name: '病房表扬给护士长', kind: 'praise', assigneeId: nurse.id, deadlineHours: 48 } });
    expect(created.statusCode, created.body).toBe(201);
    const page = await h.app.inject({ method: 'GET', url: '/app/feedback/rules', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(new RegExp(`<option value="${nurse.id}"[^>]*selected`));
  });
});
