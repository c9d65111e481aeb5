import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Invalid } from '../../lib/errors.js';
import { Problem } from '../../lib/problem.js';
import { CsvImportQuery, FhirImportQuery, Hl7ImportQuery, ImportReport, QuarantinedRecord, QuarantinePage, QuarantineParams, QuarantineQuery, RetryBody } from './imports.schemas.js';
import { discardQuarantined, importCsv, importFhir, importHl7, listQuarantined, retryQuarantined } from './imports.verbs.js';
import { Readable } from 'node:stream';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['imports'];
/** Feeds send whole days at once; only these routes take large bodies (CSV streams and has no limit of its own). */
const FEED_BODY_LIMIT = 64 * 1024 * 1024;
const CSV_BODY_LIMIT = 16 * 1024 * 1024 * 1024;

export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(feedRoutes);
  await app.register(fhirRoutes);
  await app.register(quarantineRoutes);
};

/**
 * The feed routes take only their own content types, registered in this plugin's scope: HL7 text and CSV here; everything else (JSON included) answers 415 here, and the rest of the API is untouched.
 */
const feedRoutes: FastifyPluginAsyncZod = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/plain', 'application/hl7-v2'], { parseAs: 'buffer', bodyLimit: FEED_BODY_LIMIT }, (_req, body, done) => done(null, body));
  // The CSV body is handed over as the request stream, so a file of several GB is never held in memory.
  app.addContentTypeParser('text/csv', { bodyLimit: CSV_BODY_LIMIT }, (_req, payload, done) => done(null, payload));

  app.post(
    '/api/imports/hl7',
    {
      bodyLimit: FEED_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import HL7 v2 messages (text/plain or application/hl7-v2; one or more, segments ended by CR, LF or CRLF)',
        'x-permission': 'imports.run',
        querystring: Hl7ImportQuery,
        response: { 200: ImportReport, ...errors, 413: Problem, 415: Problem },
      },
    },
    async (request) => importHl7(request.ctx(), bufferOf(request.body), { source: request.query.source, channel: 'http' }),
  );

  app.post(
    '/api/imports/csv',
    {
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import a CSV file (text/csv, UTF-8 with or without BOM, GBK or GB18030) with a column mapping',
        'x-permission': 'imports.run',
        querystring: CsvImportQuery,
        response: { 200: ImportReport, ...errors, 413: Problem, 415: Problem },
      },
    },
    async (request) => {
      const body = request.body instanceof Readable ? request.body : Readable.from([bufferOf(request.body)]);
      return importCsv(request.ctx(), body, { source: request.query.source, mapping: request.query.mapping, encoding: request.query.encoding, channel: 'http' });
    },
  );

};

/** FHIR takes application/fhir+json and application/json, in a scope of its own so HL7 and CSV refuse JSON. */
const fhirRoutes: FastifyPluginAsyncZod = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/fhir+json', 'application/json'], { parseAs: 'string', bodyLimit: FEED_BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new Invalid('imports.malformed_json', `The body is not valid JSON: ${(error as Error).message}`, [{ field: 'body', code: 'malformed', message: (error as Error).message }]), undefined);
    }
  });

  app.post(
    '/api/imports/fhir',
    {
      bodyLimit: FEED_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import FHIR R4 JSON: a Bundle (transaction, batch, collection, searchset) or one resource',
        'x-permission': 'imports.run',
        querystring: FhirImportQuery,
        response: { 200: ImportReport, ...errors, 413: Problem, 415: Problem },
      },
    },
    async (request) => {
      if (request.body === undefined || request.body === null) throw new Invalid('imports.empty_body', 'Send a FHIR resource or Bundle as the body.', [{ field: 'body', code: 'required', message: 'is empty' }]);
      return importFhir(request.ctx(), request.body, { source: request.query.source, channel: 'http' });
    },
  );

};

const quarantineRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/imports/quarantine',
    {
      schema: { tags, summary: 'Quarantined import records, newest first', 'x-permission': 'imports.quarantine', querystring: QuarantineQuery, response: { 200: QuarantinePage, ...errors } },
    },
    async (request) => listQuarantined(request.ctx(), request.query),
  );

  app.post(
    '/api/imports/quarantine/:id/retry',
    {
      bodyLimit: FEED_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import the corrected content of a quarantined record; it stays quarantined if it still fails',
        'x-permission': 'imports.quarantine',
        params: QuarantineParams,
        body: RetryBody,
        response: { 200: ImportReport, ...errors, 404: Problem, 422: Problem },
      },
    },
    async (request) => retryQuarantined(request.ctx(), request.params.id, request.body.raw),
  );

  app.post(
    '/api/imports/quarantine/:id/discard',
    {
      schema: {
        tags,
        summary: 'Discard a quarantined record (it stays listed as discarded)',
        'x-permission': 'imports.quarantine',
        params: QuarantineParams,
        response: { 200: QuarantinedRecord, ...errors, 404: Problem },
      },
    },
    async (request) => discardQuarantined(request.ctx(), request.params.id),
  );
};

function bufferOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new Invalid('imports.unsupported_body', 'Send the messages as text/plain or application/hl7-v2.', [{ field: 'body', code: 'content_type', message: 'is not HL7 text' }]);
}
