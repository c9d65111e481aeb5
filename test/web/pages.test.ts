import { beforeAll, describe, expect, it } from 'vitest';
import { CreateEncounterBody } from '../../src/modules/patients/patients.schemas.js';
import { addEncounter, createPatient } from '../../src/modules/patients/patients.service.js';
import { valuesOfFile } from '../../src/web/patient-form.js';
import { aPatient } from '../helpers/factories.js';
import { TEST_PASSWORD, useTestHospital, type StaffSession, type TestHospital } from '../helpers/app.js';

const ORIGIN = 'http://localhost:80';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN };

describe('the staff pages over HTTP', () => {
  let h: TestHospital;
  let nurse: StaffSession;
  let cookie: string;

  beforeAll(async () => {
    h = await useTestHospital();
    nurse = await h.signIn('nurse');
    cookie = `hcrm_session=${nurse.token}`;
  });

  it('serve pages with a strict content security policy, nosniff and no framing', async () => {
    for (const [url, headers] of [['/app/login', {}], ['/app/', { cookie }], ['/app/no-such-page', { cookie }]] as const) {
      const reply = await h.app.inject({ method: 'GET', url, headers });
      expect(reply.headers['content-type'], url).toMatch(/^text\/html/);
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('send a visitor without a session to the sign-in page, remembering where they were going', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/app/patients/abc' });
    expect(reply.statusCode).toBe(303);
    expect(reply.headers.location).toBe('/app/login?next=%2Fapp%2Fpatients%2Fabc');
    const ended = await h.app.inject({ method: 'GET', url: '/app/', headers: { cookie: 'hcrm_session=not-a-session' } });
    expect(ended.headers.location).toBe('/app/login?next=%2Fapp%2F&reason=expired');
  });

  it('sign a staff member in with a form and set the HttpOnly, SameSite=Strict session cookie', async () => {
    const reply = await h.app.inject({
      method: 'POST',
      url: '/app/login',
      headers: formHeaders,
      payload: form({ username: nurse.username, password: TEST_PASSWORD, next: '/app/patients/x' }),
    });
    expect(reply.statusCode).toBe(303);
    expect(reply.headers.location).toBe('/app/patients/x');
    const setCookie = String(reply.headers['set-cookie']);
    expect(setCookie).toMatch(/^hcrm_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('show the sign-in form again with a message and the username kept when the password is wrong', async () => {
    const reply = await h.app.inject({ method: 'POST', url: '/app/login', headers: formHeaders, payload: form({ username: nurse.username, password: 'wrong password' }) });
    expect(reply.statusCode).toBe(401);
    expect(reply.body).toContain('用户名或密码不正确');
    expect(reply.body).toContain(`value="${nurse.username}"`);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('refuse a form post from another origin, or one that names no origin at all', async () => {
    const payload = form({ username: nurse.username, password: TEST_PASSWORD });
    for (const headers of [
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      { 'content-type': 'application/x-www-form-urlencoded', origin: 'null' },
      { 'content-type': 'application/x-www-form-urlencoded', referer: 'https://evil.example/page' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ]) {
      const reply = await h.app.inject({ method: 'POST', url: '/app/login', headers, payload });
      expect(reply.statusCode, JSON.stringify(headers)).toBe(403);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    const sameSite = await h.app.inject({
      method: 'POST',
      url: '/app/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${ORIGIN}/app/login` },
      payload,
    });
    expect(sameSite.statusCode).toBe(303);
  });

  it('escape names in the server-rendered file, so markup and SQL show as text', async () => {
    const { id } = await createPatient(h.system(), aPatient({ name: '<script>alert(1)</script>', occupation: "'); DROP TABLE patients;--" }));
    const reply = await h.app.inject({ method: 'GET', url: `/app/patients/${id}`, headers: { cookie } });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).not.toContain('<script>alert(1)</script>');
    expect(reply.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(reply.body).toContain('&#39;); DROP TABLE patients;--');
  });

  it('remember ?lang=en in a cookie and render English with <html lang="en">', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/app/login?lang=en' });
    expect(reply.body).toContain('<html lang="en">');
    expect(reply.body).toContain('Staff sign-in');
    expect(String(reply.headers['set-cookie'])).toMatch(/^hcrm_lang=en/);
    const next = await h.app.inject({ method: 'GET', url: '/app/login', headers: { cookie: 'hcrm_lang=en' } });
    expect(next.body).toContain('<html lang="en">');
    const chinese = await h.app.inject({ method: 'GET', url: '/app/login' });
    expect(chinese.body).toContain('<html lang="zh-CN">');
    expect(chinese.body).toContain('员工登录');
  });

  it('answer a nurse with the 403 page on staff management', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/app/staff', headers: { cookie } });
    expect(reply.statusCode).toBe(403);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.body).toContain('无权访问');
  });

  it('answer an unknown patient with the 404 page', async () => {
    const reply = await h.app.inject({ method: 'GET', url: '/app/patients/01JUNKNOWN', headers: { cookie } });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toContain('未找到');
  });

  it('keep the page routes out of the OpenAPI document', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/app'))).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/api/patients');
  });

  it('serve the script and style from this server with their own types', async () => {
    const js = await h.app.inject({ method: 'GET', url: '/app/assets/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    const css = await h.app.inject({ method: 'GET', url: '/app/assets/app.css' });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect((await h.app.inject({ method: 'GET', url: '/app/assets/secret.ts' })).statusCode).toBe(400);
  });

  it('answer a stale version on the edit form with 409 and a reload link, keeping the input', async () => {
    const file = await createPatient(h.system(), aPatient({ name: '李四' }));
    const reply = await h.app.inject({
      method: 'POST',
      url: `/app/patients/${file.id}/edit`,
      headers: { ...formHeaders, cookie },
      payload: form({ ...valuesOfFile(file), version: String(file.version + 5), occupation: '退休工人' }),
    });
    expect(reply.statusCode).toBe(409);
    expect(reply.body).toContain('已被他人修改');
    expect(reply.body).toContain(`href="/app/patients/${file.id}/edit"`);
    expect(reply.body).toContain('value="退休工人"');
  });

  it('show zod-level mistakes next to their fields and keep what was typed', async () => {
    const file = await createPatient(h.system(), aPatient({ name: '王芳', gender: 'female', birthDate: '1990-02-14' }));
    const reply = await h.app.inject({
      method: 'POST',
      url: `/app/patients/${file.id}/edit`,
      headers: { ...formHeaders, cookie },
      payload: form({ ...valuesOfFile(file), name: '  ', email: 'not-an-email', employer: '市第二医院' }),
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatch(/<p class="field-error" id="f-name-error"><span>必填<\/span>/);
    expect(reply.body).toMatch(/<p class="field-error" id="f-email-error"><span>不是有效的电子邮件地址<\/span>/);
    expect(reply.body).toContain('value="not-an-email"');
    expect(reply.body).toContain('value="市第二医院"');
  });

  it('page the timeline with a link to earlier entries', async () => {
    const general = await h.department('GEN');
    const { id } = await createPatient(h.system(), aPatient({ name: '赵敏' }));
    for (let day = 1; day <= 21; day++) {
      const startAt = `2026-10-${String(day).padStart(2, '0')}T01:00:00Z`;
      await addEncounter(h.system(), id, CreateEncounterBody.parse({ class: 'outpatient', departmentId: general, startAt }));
    }
    const first = await h.app.inject({ method: 'GET', url: `/app/patients/${id}`, headers: { cookie } });
    expect(first.body.match(/class="tl-item /g)).toHaveLength(20);
    const more = /href="(\/app\/patients\/[^"]+\?cursor=[^"#]+)#timeline">查看更早的记录/.exec(first.body);
    expect(more).not.toBeNull();
    const second = await h.app.inject({ method: 'GET', url: more![1]!.replaceAll('&amp;', '&'), headers: { cookie } });
    expect(second.statusCode).toBe(200);
    expect(second.body.match(/class="tl-item /g)).toHaveLength(2);
    expect(second.body).toContain('2026-10-01 09:00');
    expect(second.body).toContain('回到最新');
    expect(second.body).not.toContain('查看更早的记录');
  });
});
