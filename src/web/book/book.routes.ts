import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Invalid, NotFound } from '../../lib/errors.js';
import { requestCode, verifyCode } from '../../modules/appointments/appointments.codes.js';
import { acceptOffer, openOffer } from '../../modules/appointments/appointments.waitlist.js';
import {
  bookAsNewPatient,
  bookAsVisitor,
  bookingConfirmation,
  bookingDepartments,
  cancelMine,
  moveMine,
  myAppointments,
  moveChoices,
  publicSession,
  publicSlotSession,
  publicWeek,
  visitorFiles,
} from '../../modules/appointments/appointments.patients.js';
import { loadAssets, type Assets } from '../assets.js';
import { langOf, rememberLang, translator } from '../i18n/index.js';
import { sendPage, seeOther } from '../page-context.js';
import { installOriginCheck, installSecurityHeaders } from '../security.js';
import { bookTranslator, hasKey } from './book.i18n.js';
import { departmentsPage, donePage, minePage, movePage, noticePage, offerPage, sessionPage, signInPage, slotPage, weekPage, type BookView } from './book.pages.js';

const VISIT_COOKIE = 'hcrm_book';
const MAX_FIELDS = 20;

/**
 * The patients' booking pages under /book: public, phone-size, zh-CN or English, working without script. A patient
 * books with name, mobile and resident ID, or signs in with an SMS code (a 30-minute visit cookie) to book for a
 * file on record and to see, cancel or move their bookings. Every form posts back here (origin checked).
 */
export const bookPages: FastifyPluginAsync = async (app) => {
  const assets = await loadAssets();
  await app.register(async (pages) => {
    installSecurityHeaders(pages);
    installOriginCheck(pages);
    pages.addHook('onRequest', async (request, reply) => rememberLang(request, reply));
    pages.setErrorHandler((error, request, reply) => {
      const view = viewOf(request, assets);
      if (error instanceof AppError && error.code === 'appointments.visit_ended') return seeOther(reply, `/book/signin?next=${encodeURIComponent(request.url.split('?')[0]!)}`);
      const status = error instanceof AppError ? error.status : 500;
      if (status >= 500) request.log.error({ err: error }, 'unhandled error on the booking page');
      return sendPage(reply, noticePage(view, status === 404 ? view.b('notFound') : (messageOf(view, error) ?? view.b('notFound'))), status >= 500 ? 500 : status);
    });
    const config = { public: true };
    const schema = { hide: true };

    pages.get('/book', { config, schema }, async (request, reply) => {
      const view = viewOf(request, assets);
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      const departmentId = query.get('department');
      const departments = await bookingDepartments(request.ctx());
      const department = departments.find((d) => d.id === departmentId);
      if (!department) return sendPage(reply, departmentsPage(view, departments), departmentId ? 404 : 200);
      const week = await publicWeek(request.ctx(), department.id);
      return sendPage(reply, weekPage(view, view.lang === 'en' ? department.nameEn : department.nameZh, week));
    });

    pages.get<{ Params: { id: string } }>('/book/session/:id', { config, schema }, async (request, reply) => {
      const { session, bookable } = await publicSession(request.ctx(), request.params.id);
      return sendPage(reply, sessionPage(viewOf(request, assets), session, bookable));
    });

    pages.get<{ Params: { slotId: string } }>('/book/slot/:slotId', { config, schema }, async (request, reply) => renderSlot(request, reply, assets, request.params.slotId, {}, {}, null));

    pages.post<{ Params: { slotId: string }; Body: unknown }>('/book/slot/:slotId', { config, schema }, async (request, reply) => {
      const fields = formFields(request.body);
      const ctx = request.ctx();
      const token = request.cookies[VISIT_COOKIE];
      try {
        const booked = fields['patientId']
          ? await bookAsVisitor(ctx, token, fields['patientId'], request.params.slotId)
          : await bookAsNewPatient(ctx, request.params.slotId, { name: fields['name'] ?? '', phone: fields['phone'] ?? '', residentId: fields['residentId'] ?? '' });
        return seeOther(reply, `/book/done/${booked.id}?v=${token ? 1 : 0}`);
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'appointments.visit_ended' || error.status >= 500) throw error;
        const view = viewOf(request, assets);
        const fieldErrors = fieldErrorsOf(view, error);
        const { patientId: _chosen, ...values } = fields;
        return renderSlot(request, reply, assets, request.params.slotId, values, fieldErrors, Object.keys(fieldErrors).length > 0 ? null : messageOf(view, error), error.status);
      }
    });

    pages.get<{ Params: { id: string } }>('/book/done/:id', { config, schema }, async (request, reply) => {
      return sendPage(reply, donePage(viewOf(request, assets), await bookingConfirmation(request.ctx(), request.params.id)));
    });

    pages.get('/book/signin', { config, schema }, async (request, reply) => {
      const next = safeNext(new URLSearchParams(request.url.split('?')[1] ?? '').get('next'));
      return sendPage(reply, signInPage({ ...viewOf(request, assets), next, phone: '', sent: false, problem: null, fieldError: null }));
    });

    pages.post<{ Body: unknown }>('/book/signin', { config, schema }, async (request, reply) => {
      const fields = formFields(request.body);
      const view = viewOf(request, assets);
      const next = safeNext(fields['next']);
      const phone = fields['phone'] ?? '';
      try {
        await requestCode(request.ctx(), phone);
        return sendPage(reply, signInPage({ ...view, next, phone, sent: true, problem: null, fieldError: null }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const field = error.errors.length > 0 ? view.b('err.field.phone') : null;
        if (error.status === 429) void reply.header('retry-after', String((error as AppError & { retryAfterSeconds: number }).retryAfterSeconds));
        return sendPage(reply, signInPage({ ...view, next, phone, sent: false, problem: field ? null : messageOf(view, error), fieldError: field }), error.status);
      }
    });

    pages.post<{ Body: unknown }>('/book/verify', { config, schema }, async (request, reply) => {
      const fields = formFields(request.body);
      const view = viewOf(request, assets);
      const next = safeNext(fields['next']);
      const phone = fields['phone'] ?? '';
      try {
        const visit = await verifyCode(request.ctx(), phone, (fields['code'] ?? '').slice(0, 12));
        void reply.setCookie(VISIT_COOKIE, visit.token, { httpOnly: true, sameSite: 'lax', path: '/book', secure: request.protocol === 'https', expires: new Date(visit.expiresAt) });
        return seeOther(reply, next);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const again = error.code === 'appointments.code_wrong';
        return sendPage(reply, signInPage({ ...view, next, phone, sent: again, problem: messageOf(view, error), fieldError: null }), error.status);
      }
    });

    pages.get<{ Params: { token: string } }>('/book/offer/:token', { config, schema }, async (request, reply) => {
      const offer = await openOffer(request.ctx(), request.params.token);
      return sendPage(reply, offerPage({ ...viewOf(request, assets), token: request.params.token, doctorName: offer.doctorName, startAt: offer.startAt, date: offer.entry.date, expiresAt: offer.entry.offerExpiresAt ?? '' }));
    });

    pages.post<{ Params: { token: string } }>('/book/offer/:token', { config, schema }, async (request, reply) => {
      const booked = await acceptOffer(request.ctx(), request.params.token);
      return seeOther(reply, `/book/done/${booked.id}`);
    });

    pages.get('/book/mine', { config, schema }, async (request, reply) => {
      const appointments = await myAppointments(request.ctx(), request.cookies[VISIT_COOKIE]);
      return sendPage(reply, minePage({ ...viewOf(request, assets), appointments, problem: null }));
    });

    pages.post<{ Params: { id: string } }>('/book/mine/:id/cancel', { config, schema }, async (request, reply) => {
      const token = request.cookies[VISIT_COOKIE];
      try {
        await cancelMine(request.ctx(), token, request.params.id);
      } catch (error) {
        if (!(error instanceof AppError) || error.status === 404 || error.code === 'appointments.visit_ended') throw error;
        const appointments = await myAppointments(request.ctx(), token);
        return sendPage(reply, minePage({ ...viewOf(request, assets), appointments, problem: messageOf(viewOf(request, assets), error) }), error.status);
      }
      return seeOther(reply, '/book/mine');
    });

    pages.get<{ Params: { id: string } }>('/book/mine/:id/move', { config, schema }, async (request, reply) => renderMove(request, reply, assets, request.params.id, null));

    pages.post<{ Params: { id: string }; Body: unknown }>('/book/mine/:id/move', { config, schema }, async (request, reply) => {
      const fields = formFields(request.body);
      try {
        await moveMine(request.ctx(), request.cookies[VISIT_COOKIE], request.params.id, fields['slotId'] ?? '');
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'appointments.visit_ended' || error.code === 'appointments.not_found') throw error;
        return renderMove(request, reply, assets, request.params.id, messageOf(viewOf(request, assets), error), error.status);
      }
      return seeOther(reply, '/book/mine');
    });
  });
};

function viewOf(request: FastifyRequest, assets: Assets): BookView & { b: ReturnType<typeof bookTranslator> } {
  const lang = langOf(request);
  return { t: translator(lang), b: bookTranslator(lang), lang, assets, path: request.url, timeZone: request.ctx().timeZone };
}

async function renderSlot(request: FastifyRequest, reply: FastifyReply, assets: Assets, slotId: string, values: Record<string, string>, fieldErrors: Record<string, string>, problem: string | null, status = 200) {
  const found = await publicSlotSession(request.ctx(), slotId);
  if (!found) throw new NotFound('appointments.slot_not_found', 'No such slot.');
  const token = request.cookies[VISIT_COOKIE];
  const files = token ? await visitorFiles(request.ctx(), token).catch(() => null) : null;
  return sendPage(reply, slotPage({ ...viewOf(request, assets), session: found.session, slotId, files: files && files.length > 0 ? files : null, values, fieldErrors, problem }), status);
}

async function renderMove(request: FastifyRequest, reply: FastifyReply, assets: Assets, id: string, problem: string | null, status = 200) {
  const { appointment, sessions } = await moveChoices(request.ctx(), request.cookies[VISIT_COOKIE], id);
  return sendPage(reply, movePage({ ...viewOf(request, assets), appointment, sessions, problem }), status);
}

/** A service error in the page's language (the catalog's text for its code, else its own detail). */
function messageOf(view: ReturnType<typeof viewOf>, error: unknown): string | null {
  if (!(error instanceof AppError)) return null;
  const key = `err.${error.code}`;
  return hasKey(key) ? view.b(key) : view.b('problem', { detail: error.message });
}

function fieldErrorsOf(view: ReturnType<typeof viewOf>, error: AppError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of error.errors) {
    const name = e.field.split('.').at(-1) ?? e.field;
    const key = `err.field.${name}`;
    if (name === 'name' || name === 'phone' || name === 'residentId') out[name] = hasKey(key) ? view.b(key) : e.message;
  }
  return out;
}

/** Only this page's own paths: a crafted `next` must not send the patient elsewhere after signing in. */
function safeNext(next: string | null | undefined): string {
  return next && /^\/book(\/[\w/-]*)?$/.test(next) ? next : '/book/mine';
}

/** Form fields as single trimmed strings; too many fields or a repeated one is refused. */
function formFields(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const entries = Object.entries(body as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) throw new Invalid('appointments.too_many_fields', 'The form has too many fields.');
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw new Invalid('appointments.bad_form', `The field ${name} was sent more than once.`);
    out[name] = value.trim().slice(0, 200);
  }
  return out;
}
