import { describe, expect, it } from 'vitest';
import { Problem } from '../../src/lib/problem.js';
import { careSendCheck } from '../../src/modules/care/care.send-checks.js';
import { Campaign, CampaignPage, CampaignPreview } from '../../src/modules/care/care.schemas.js';
import { createPatient, setPatientActive } from '../../src/modules/patients/patients.service.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient } from '../helpers/factories.js';

/*
 * 治未病: the health-education team sends winter advice to patients aged 60 and over who carry the 高血压随访 tag.
 * They check the count, create the campaign for tomorrow morning, send it, read the report, and cancel a second one.
 */
const h = await useTestHospital({ now: '2026-11-23T02:00:00.000Z' });
const manager = await h.signIn('manager');
const doctor = await h.signIn('doctor');

const elderHypertensive = await createPatient(h.system(), aPatient({ name: '郑国华', birthDate: '1955-05-05', tags: ['高血压随访'], identifiers: [] }));
const elder2 = await createPatient(h.system(), aPatient({ name: '冯淑珍', gender: 'female', birthDate: '1949-12-12', tags: ['高血压随访', '糖尿病'], identifiers: [] }));
await createPatient(h.system(), aPatient({ name: '何小军', birthDate: '1990-01-01', tags: ['高血压随访'], identifiers: [] }));
await createPatient(h.system(), aPatient({ name: '罗大爷', birthDate: '1950-01-01', tags: [], identifiers: [] }));
const inactive = await createPatient(h.system(), aPatient({ name: '谢老伯', birthDate: '1945-03-03', tags: ['高血压随访'], identifiers: [] }));
await setPatientActive(h.system(), inactive.id, { version: 1, active: false, reason: '患者已故' });

const segment = { minAge: 60, tag: '高血压随访' };
const post = (url: string, payload?: object, session = manager) => h.app.inject({ method: 'POST', url, headers: session.headers, ...(payload ? { payload } : {}) });

describe('a health-education campaign', () => {
  let campaign: Campaign;

  it('previews how many active patients the segment holds', async () => {
    const reply = await post('/api/campaigns/preview', { segment });
    expect(reply.statusCode, reply.body).toBe(200);
    expect(CampaignPreview.parse(reply.json())).toEqual({ count: 2 });
    expect((await post('/api/campaigns/preview', { segment: {} })).json()).toEqual({ count: 4 });
    expect((await post('/api/campaigns/preview', { segment: { province: '上海市' } })).json()).toEqual({ count: 0 });
  });

  it('is created as a draft with its segment, text and send time', async () => {
    const reply = await post('/api/campaigns', { name: '冬季心脑血管保健', segment, body: '{patientName}您好，冬季气温低，请注意保暖、按时服药、监测血压。', sendAt: '2026-11-24T08:00:00+08:00' });
    expect(reply.statusCode, reply.body).toBe(201);
    campaign = Campaign.parse(reply.json());
    expect(campaign).toMatchObject({ status: 'draft', sendAt: '2026-11-24T00:00:00.000Z', queuedCount: 0, report: null, createdBy: manager.id, segment });
  });

  it('sending queues one personalised marketing message per patient for the send time', async () => {
    const reply = await post(`/api/campaigns/${campaign.id}/send`);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(Campaign.parse(reply.json())).toMatchObject({ status: 'queued', queuedCount: 2, report: { queued: 2, sent: 0 } });
    const messages = h.outbox.messages.filter((m) => m.subject?.id === campaign.id);
    expect(messages.map((m) => m.patientId).sort()).toEqual([elderHypertensive.id, elder2.id].sort());
    expect(messages.find((m) => m.patientId === elder2.id)).toMatchObject({
      purpose: 'campaign',
      category: 'marketing',
      template: 'care.campaign',
      dedupeKey: `campaign:${campaign.id}:${elder2.id}`,
      scheduledAt: new Date('2026-11-24T00:00:00.000Z'),
      variables: { campaignText: '冯淑珍您好，冬季气温低，请注意保暖、按时服药、监测血压。' },
    });
    const audit = h.db.$client.prepare("SELECT detail FROM audit_log WHERE action = 'campaign.queue' AND entity_id = ?").get(campaign.id) as { detail: string };
    expect(JSON.parse(audit.detail)).toEqual({ patients: 2, queued: 2 });
  });

  it('is sent once: a second send is refused', async () => {
    const reply = await post(`/api/campaigns/${campaign.id}/send`);
    expect(reply.statusCode).toBe(409);
    expect(Problem.parse(reply.json()).code).toBe('care.campaign_not_draft');
  });

  it('reports what messaging did: queued, sent, delivered, failed, opted out', async () => {
    h.outbox.reports.set(campaign.id, { queued: 0, sent: 2, delivered: 1, failed: 0, optedOut: 1 });
    const reply = await h.app.inject({ method: 'GET', url: `/api/campaigns/${campaign.id}`, headers: manager.headers });
    expect(Campaign.parse(reply.json()).report).toEqual({ queued: 0, sent: 2, delivered: 1, failed: 0, optedOut: 1, cancelled: 0 });
    const list = CampaignPage.parse((await h.app.inject({ method: 'GET', url: '/api/campaigns', headers: manager.headers })).json());
    expect(list.items.map((c) => c.id)).toContain(campaign.id);
  });

  it('cancelled, cancels what is still queued and tells messaging to drop any in flight', async () => {
    const second = Campaign.parse((await post('/api/campaigns', { name: '流感疫苗接种提醒', segment, body: '请及时接种流感疫苗。', sendAt: '2026-11-25T02:00:00Z' })).json());
    await post(`/api/campaigns/${second.id}/send`);
    const reply = await post(`/api/campaigns/${second.id}/cancel`);
    expect(Campaign.parse(reply.json())).toMatchObject({ status: 'cancelled', report: { queued: 0, cancelled: 2 } });
    expect(careSendCheck(h.db, { purpose: 'campaign', patientId: elder2.id, subject: { type: 'campaign', id: second.id } })).toBe('campaign cancelled');
    expect(careSendCheck(h.db, { purpose: 'campaign', patientId: elder2.id, subject: { type: 'campaign', id: campaign.id } })).toBeNull();
    expect((await post(`/api/campaigns/${second.id}/cancel`)).statusCode).toBe(409);
  });
});

describe('a send that stopped half-way', () => {
  const stopHalfWay = async () => {
    const created = Campaign.parse((await post('/api/campaigns', { name: '冬病夏治', segment, body: '三伏贴预约开始。', sendAt: '2026-11-26T02:00:00Z' })).json());
    expect((await post(`/api/campaigns/${created.id}/send`)).statusCode).toBe(200);
    // As if the process died after the batches, before the campaign was marked queued.
    h.db.$client.prepare("UPDATE campaigns SET status = 'sending' WHERE id = ?").run(created.id);
    return created;
  };

  it('is sent again without queueing anyone twice', async () => {
    const stopped = await stopHalfWay();
    const reply = await post(`/api/campaigns/${stopped.id}/send`);
    expect(reply.statusCode, reply.body).toBe(200);
    expect(Campaign.parse(reply.json())).toMatchObject({ status: 'queued' });
    expect(h.outbox.messages.filter((m) => m.subject?.id === stopped.id)).toHaveLength(2);
  });

  it('can be cancelled, cancelling what it queued', async () => {
    const stopped = await stopHalfWay();
    const reply = await post(`/api/campaigns/${stopped.id}/cancel`);
    expect(Campaign.parse(reply.json())).toMatchObject({ status: 'cancelled', report: { queued: 0, cancelled: 2 } });
    expect((await post(`/api/campaigns/${stopped.id}/send`)).statusCode).toBe(409);
  });
});

describe('bad input', () => {
  it('refuses a send time in the past, naming the field', async () => {
    const reply = await post('/api/campaigns', { name: '过期', body: '内容', sendAt: '2026-11-20T00:00:00Z' });
    expect(reply.statusCode).toBe(400);
    expect(Problem.parse(reply.json()).errors).toEqual([expect.objectContaining({ field: 'sendAt', code: 'in_past' })]);
  });

  it.each([
    ['a segment filter that does not exist', { segment: { colour: 'red' } }],
    ['an age that is not a number', { segment: { minAge: 'old' } }],
    ['an empty text', { body: '' }],
    ['a send time without a zone', { sendAt: '2026-11-24 08:00' }],
  ])('refuses %s', async (_what, change) => {
    const reply = await post('/api/campaigns', { name: '测试', body: '内容', sendAt: '2026-11-24T00:00:00Z', ...change });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers 404 for a campaign that does not exist', async () => {
    expect((await post('/api/campaigns/no-such-campaign/send')).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/api/campaigns/no-such-campaign', headers: manager.headers })).statusCode).toBe(404);
  });

  it('leaves campaigns to managers and admins', async () => {
    expect((await post('/api/campaigns/preview', { segment }, doctor)).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: '/api/campaigns', headers: doctor.headers })).statusCode).toBe(403);
  });
});

describe('retries', () => {
  it('create one campaign for one Idempotency-Key', async () => {
    const payload = { name: '重试测试', body: '内容', sendAt: '2026-11-24T00:00:00Z' };
    const headers = { ...manager.headers, 'idempotency-key': 'campaign-retry-0001' };
    const first = await h.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload });
    const retry = await h.app.inject({ method: 'POST', url: '/api/campaigns', headers, payload });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
  });
});
