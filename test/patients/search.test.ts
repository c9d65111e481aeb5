import { describe, expect, it } from 'vitest';
import { PatientFile, PatientPage, type PatientSummary } from '../../src/modules/patients/patients.schemas.js';
import type { StaffSession } from '../helpers/app.js';
import { useTestHospital } from '../helpers/app.js';
import { aPatient, residentIdFor } from '../helpers/factories.js';

const h = await useTestHospital();
const cardiology = await h.department('CARD', '心内科');
const endocrinology = await h.department('ENDO', '内分泌科');
const agent = await h.signIn('agent');
const admin = await h.signIn('admin');
const manager = await h.signIn('manager', { departmentId: cardiology });

async function openFile(body: object): Promise<PatientFile> {
  const reply = await h.app.inject({ method: 'POST', url: '/api/patients', headers: agent.headers, payload: body });
  expect(reply.statusCode, reply.body).toBe(201);
  return PatientFile.parse(reply.json());
}

async function recordVisit(patientId: string, visit: { departmentId: string; startAt: string; chargesCents?: number; diagnoses?: { code: string; text: string }[] }): Promise<void> {
  const reply = await h.app.inject({ method: 'POST', url: `/api/patients/${patientId}/encounters`, headers: admin.headers, payload: { class: 'outpatient', ...visit } });
  expect(reply.statusCode, reply.body).toBe(201);
}

async function search(params: Record<string, string | number | string[]>, session: StaffSession = agent): Promise<{ items: PatientSummary[]; nextCursor: string | null }> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  const reply = await h.app.inject({ method: 'GET', url: `/api/patients?${query.toString()}`, headers: session.headers });
  expect(reply.statusCode, reply.body).toBe(200);
  return PatientPage.parse(reply.json());
}

const ids = async (params: Record<string, string | number | string[]>) => (await search(params)).items.map((p) => p.id);

/** Follows nextCursor to the end and returns every id in the order served. */
async function walk(params: Record<string, string | number | string[]>, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await search({ ...params, limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('pagination did not end');
}

const zhangSanfeng = await openFile(
  aPatient({
    name: '张三丰',
    gender: 'male',
    birthDate: '1948-03-15',
    residentId: residentIdFor('1948-03-15', 'male', '110105', 12),
    phone: '13910007919',
    identifiers: [
      { system: 'his-mrn', value: 'MRN-88001' },
      { system: 'insurance', value: '880012' },
    ],
    tags: ['名字组'],
  }),
);
const zhangSan = await openFile(aPatient({ name: '张三', phone: '13800001234', identifiers: [], tags: ['名字组'] }));
const zhangWei = await openFile(aPatient({ name: '张伟', phone: '13800005678', identifiers: [], tags: ['名字组'] }));
const shanTianfang = await openFile(aPatient({ name: '单田芳', phone: '13600001111', identifiers: [], tags: ['名字组'] }));
const ouyang = await openFile(aPatient({ name: '欧阳娜娜', gender: 'female', birthDate: '2000-02-29', residentId: residentIdFor('2000-02-29', 'female'), phone: '13600002222', identifiers: [], tags: ['名字组'] }));

describe('finding a patient by name', () => {
  it('finds by the characters of the name, as a prefix', async () => {
    expect(await ids({ q: '张三' })).toEqual(expect.arrayContaining([zhangSanfeng.id, zhangSan.id]));
    expect(await ids({ q: '张三' })).not.toContain(zhangWei.id);
    expect(await ids({ q: '张三丰' })).toEqual([zhangSanfeng.id]);
  });

  it('finds by full pinyin, by a pinyin prefix and by mixed-case pinyin with spaces', async () => {
    expect(await ids({ q: 'zhangsanfeng' })).toEqual([zhangSanfeng.id]);
    expect(await ids({ q: 'zhang' })).toEqual(expect.arrayContaining([zhangSanfeng.id, zhangSan.id, zhangWei.id]));
    expect(await ids({ q: 'Zhang San Feng' })).toEqual([zhangSanfeng.id]);
  });

  it('finds by the initials', async () => {
    expect(await ids({ q: 'zsf' })).toEqual([zhangSanfeng.id]);
  });

  it('finds surnames by their surname reading: 单 as shan, 欧阳 as ouyang', async () => {
    expect(await ids({ q: 'shan' })).toContain(shanTianfang.id);
    expect(await ids({ q: 'dan' })).not.toContain(shanTianfang.id);
    expect(await ids({ q: 'ouyang' })).toEqual([ouyang.id]);
  });

  it('lists a patient once even when both the pinyin and the initials match', async () => {
    const found = await ids({ q: 'z', tag: '名字组' });
    expect(found.filter((id) => id === zhangSanfeng.id)).toHaveLength(1);
    expect(new Set(found).size).toBe(found.length);
  });
});

describe('finding a patient by phone, resident ID or identifier', () => {
  it.each(['13910007919', '139 1000 7919', '139-1000-7919', '+86 139-1000-7919', '+8613910007919', '0086 139 1000 7919', '(+86) 139 1000 7919'])(
    'finds by the full phone number written as %s',
    async (written) => {
      expect(await ids({ q: written })).toEqual([zhangSanfeng.id]);
    },
  );

  it('finds by the last four digits of the phone number', async () => {
    expect(await ids({ q: '7919' })).toEqual([zhangSanfeng.id]);
  });

  it('finds by the 18-digit resident ID and by its legacy 15-digit form', async () => {
    const residentId = residentIdFor('1948-03-15', 'male', '110105', 12);
    const legacy = `${residentId.slice(0, 6)}${residentId.slice(8, 17)}`;
    expect(await ids({ q: residentId })).toEqual([zhangSanfeng.id]);
    expect(await ids({ q: legacy })).toEqual([zhangSanfeng.id]);
  });

  it('finds by the resident ID of a patient born on 29 February with an X-free lower-case query', async () => {
    expect(await ids({ q: residentIdFor('2000-02-29', 'female').toLowerCase() })).toEqual([ouyang.id]);
  });

  it('finds by any identifier value, or by system|value', async () => {
    expect(await ids({ q: 'MRN-88001' })).toEqual([zhangSanfeng.id]);
    expect(await ids({ q: '880012' })).toEqual([zhangSanfeng.id]);
    expect(await ids({ q: 'his-mrn|MRN-88001' })).toEqual([zhangSanfeng.id]);
    expect(await ids({ q: 'insurance|MRN-88001' })).toEqual([]);
  });
});

describe('what a search result shows', () => {
  it('shows the full phone number to agents and a masked one to managers, and the resident ID always masked', async () => {
    const [forAgent] = (await search({ q: '张三丰' })).items;
    const [forManager] = (await search({ q: '张三丰' }, manager)).items;
    expect(forAgent).toMatchObject({ phone: '+8613910007919', residentId: '110105********' + residentIdFor('1948-03-15', 'male', '110105', 12).slice(-4) });
    expect(forManager).toMatchObject({ phone: '139****7919', residentId: forAgent?.residentId });
    expect(forAgent?.residentId).toMatch(/^110105\*{8}\d{3}[\dX]$/);
  });

  it('shows 138****5678 to a manager for the mobile 13800005678', async () => {
    const [found] = (await search({ q: '张伟' }, manager)).items;
    expect(found?.phone).toBe('138****5678');
  });
});

const group = '筛选组';
const a = await openFile(
  aPatient({ name: '甲患者', birthDate: '2000-11-23', residentId: null, source: 'referral', address: { province: '北京市', city: '北京市', district: '海淀区' }, tags: [group, '高血压'], identifiers: [] }),
);
const b = await openFile(
  aPatient({ name: '乙患者', birthDate: '2000-11-24', residentId: null, source: 'online', address: { province: '上海市', city: '上海市', district: '徐汇区' }, tags: [group, '糖尿病'], identifiers: [] }),
);
const c = await openFile(aPatient({ name: '丙患者', birthDate: '1950-01-01', residentId: null, source: 'referral', address: { province: '北京市', city: '北京市', district: '朝阳区' }, tags: [group, '高血压', '糖尿病'], identifiers: [] }));
// 17:00Z is already the next day in Asia/Shanghai.
await recordVisit(a.id, { departmentId: cardiology, startAt: '2026-11-19T17:00:00Z', chargesCents: 35_050, diagnoses: [{ code: 'I10', text: '高血压' }] });
await recordVisit(b.id, { departmentId: endocrinology, startAt: '2026-11-19T15:00:00Z', chargesCents: 12_000, diagnoses: [{ code: 'E11.9', text: '2型糖尿病' }] });
await recordVisit(c.id, { departmentId: endocrinology, startAt: '2026-06-01T02:00:00Z', chargesCents: 500_000, diagnoses: [{ code: 'E11.65', text: '2型糖尿病伴高血糖' }] });
const inGroup = async (params: Record<string, string | number | string[]>) => (await ids({ tag: group, ...params })).sort();
const sorted = (...list: string[]) => list.sort();

describe('classification filters', () => {
  it('filters by last visit between two dates of the hospital calendar, both ends included', async () => {
    expect(await inGroup({ lastVisitFrom: '2026-11-20' })).toEqual([a.id]);
    expect(await inGroup({ lastVisitFrom: '2026-11-19', lastVisitTo: '2026-11-19' })).toEqual([b.id]);
    expect(await inGroup({ lastVisitTo: '2026-11-19' })).toEqual(sorted(b.id, c.id));
  });

  it('filters by province, city and district', async () => {
    expect(await inGroup({ province: '北京市' })).toEqual(sorted(a.id, c.id));
    expect(await inGroup({ city: '上海市' })).toEqual([b.id]);
    expect(await inGroup({ province: '北京市', district: '朝阳区' })).toEqual([c.id]);
  });

  it('filters by source', async () => {
    expect(await inGroup({ source: 'referral' })).toEqual(sorted(a.id, c.id));
  });

  it('filters by a department that has seen the patient', async () => {
    expect(await inGroup({ departmentId: cardiology })).toEqual([a.id]);
    expect(await inGroup({ departmentId: endocrinology })).toEqual(sorted(b.id, c.id));
  });

  it('filters by an ICD-10 diagnosis code or its prefix', async () => {
    expect(await inGroup({ diagnosis: 'E11' })).toEqual(sorted(b.id, c.id));
    expect(await inGroup({ diagnosis: 'e11.6' })).toEqual([c.id]);
    expect(await inGroup({ diagnosis: 'I10' })).toEqual([a.id]);
  });

  it('filters by total spend given in yuan', async () => {
    expect(await inGroup({ minSpend: 350.5 })).toEqual(sorted(a.id, c.id));
    expect(await inGroup({ minSpend: 350.51 })).toEqual([c.id]);
    expect(await inGroup({ minSpend: 200, maxSpend: 350.5 })).toEqual([a.id]);
    expect(await inGroup({ maxSpend: 120 })).toEqual([b.id]);
  });

  it('filters by every tag given when tag is repeated', async () => {
    expect(await inGroup({ tag: [group, '高血压'] })).toEqual(sorted(a.id, c.id));
    expect(await inGroup({ tag: [group, '高血压', '糖尿病'] })).toEqual([c.id]);
  });

  it('filters by age on today’s date in the hospital’s time zone', async () => {
    expect(await inGroup({ minAge: 26, maxAge: 26 })).toEqual([a.id]);
    expect(await inGroup({ maxAge: 25 })).toEqual([b.id]);
    expect(await inGroup({ minAge: 60 })).toEqual([c.id]);
  });

  it('combines a name query with filters', async () => {
    expect(await ids({ q: '甲', province: '北京市' })).toEqual([a.id]);
    expect(await ids({ q: '甲', province: '上海市' })).toEqual([]);
  });
});

const names = ['张敏', '张静', '张丽', '张强', '张磊', '张军', '张洋', '张勇', '张艳', '张杰', '张娟', '张涛', '张明', '张超', '张秀英', '张霞', '张平', '张刚', '张桂英', '曾国藩', '朱丽'];
const created = [] as PatientFile[];
for (const name of names) created.push(await openFile(aPatient({ name, identifiers: [], tags: ['翻页组'] })));
const zhangIds = [zhangSanfeng.id, zhangSan.id, zhangWei.id, ...created.filter((p) => p.name.startsWith('张')).map((p) => p.id)];

describe('pagination', () => {
  it('walks a name search page by page and returns every match exactly once', async () => {
    const walked = await walk({ q: '张' }, 4);
    expect(walked).toHaveLength(zhangIds.length);
    expect(new Set(walked)).toEqual(new Set(zhangIds));
  });

  it('walks a pinyin prefix that matches both pinyin and initials without repeating anyone', async () => {
    const walked = await walk({ q: 'z', tag: '翻页组' }, 3);
    const expected = created.filter((p) => p.namePinyin.startsWith('z')).map((p) => p.id);
    expect(walked).toHaveLength(expected.length);
    expect(new Set(walked)).toEqual(new Set(expected));
  });

  it('serves the same order on every walk', async () => {
    expect(await walk({ q: 'zhang' }, 5)).toEqual(await walk({ q: 'zhang' }, 5));
    expect(await walk({ tag: '翻页组' }, 6)).toEqual(await walk({ tag: '翻页组' }, 4));
  });

  it('walks a filtered list without a query', async () => {
    const walked = await walk({ tag: '翻页组' }, 6);
    expect(walked).toEqual(created.map((p) => p.id));
  });

  it('refuses a cursor that was tampered with, naming the cursor field', async () => {
    const page = await search({ q: '张', limit: 2 });
    const tampered = Buffer.from(JSON.stringify(['张', 'x', 'y'])).toString('base64url');
    for (const cursor of ['garbage!', tampered, `${page.nextCursor}x`.slice(2)]) {
      const reply = await h.app.inject({ method: 'GET', url: `/api/patients?q=${encodeURIComponent('张')}&cursor=${encodeURIComponent(cursor)}`, headers: agent.headers });
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toMatchObject({ code: 'pagination.bad_cursor', errors: [expect.objectContaining({ field: 'cursor' })] });
    }
  });

  it('refuses a limit outside 1 to 100', async () => {
    for (const limit of ['0', '101', 'ten']) {
      const reply = await h.app.inject({ method: 'GET', url: `/api/patients?limit=${limit}`, headers: agent.headers });
      expect(reply.statusCode).toBe(400);
      expect(reply.json().errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    }
  });
});
