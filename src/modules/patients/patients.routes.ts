import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Problem } from '../../lib/problem.js';
import {
  addAllergy,
  addEncounter,
  createPatient,
  getPatientFile,
  patientTimeline,
  searchPatients,
  setPatientActive,
  updatePatient,
} from './patients.service.js';
import { serializedPatientFile } from './file-cache.js';
import {
  CreateAllergyBody,
  CreateEncounterBody,
  CreatePatientBody,
  DeactivatePatientBody,
  PatientFile,
  PatientIdParams,
  PatientPage,
  PatientSearchQuery,
  ReactivatePatientBody,
  TimelinePage,
  TimelineQuery,
  UpdatePatientBody,
} from './patients.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['patients'];

export const patientRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/patients',
    {
      schema: {
        tags,
        summary: 'Find patients by name, pinyin, initials, phone, resident ID or identifier, with classification filters',
        'x-permission': 'patients.search',
        querystring: PatientSearchQuery,
        response: { 200: PatientPage, ...errors },
      },
    },
    async (request) => searchPatients(request.ctx(), request.query),
  );

  app.post(
    '/api/patients',
    {
      config: { idempotent: true },
      schema: {
        tags,
        summary: 'Open a patient file (send an Idempotency-Key to make retries safe)',
        'x-permission': 'patients.create',
        body: CreatePatientBody,
        response: { 201: PatientFile, ...errors, 409: Problem, 413: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createPatient(request.ctx(), request.body)),
  );

  app.get(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'A patient file, shaped by your role and department',
        'x-permission': 'patients.read',
        params: PatientIdParams,
        response: { 200: PatientFile, ...errors, 404: Problem },
      },
    },
    // A cached file is serialized once, by the same schema, instead of on every read.
    async (request, reply) => {
      const file = await getPatientFile(request.ctx(), request.params.id);
      return reply.type('application/json; charset=utf-8').serializer(serializedPatientFile).send(file);
    },
  );

  app.patch(
    '/api/patients/:id',
    {
      schema: {
        tags,
        summary: 'Change a patient file; send the version you read (stale → 409)',
        'x-permission': 'patients.update',
        params: PatientIdParams,
        body: UpdatePatientBody,
        response: { 200: PatientFile, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => updatePatient(request.ctx(), request.params.id, request.body),
  );

  app.post(
    '/api/patients/:id/deactivate',
    {
      schema: {
        tags,
        summary: 'Deactivate a patient file (files are never deleted)',
        'x-permission': 'patients.deactivate',
        params: PatientIdParams,
        body: DeactivatePatientBody,
        response: { 200: PatientFile, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => setPatientActive(request.ctx(), request.params.id, { ...request.body, active: false }),
  );

  app.post(
    '/api/patients/:id/reactivate',
    {
      schema: {
        tags,
        summary: 'Reactivate a deactivated patient file',
        'x-permission': 'patients.deactivate',
        params: PatientIdParams,
        body: ReactivatePatientBody,
        response: { 200: PatientFile, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => setPatientActive(request.ctx(), request.params.id, { ...request.body, active: true }),
  );

  app.get(
    '/api/patients/:id/timeline',
    {
      schema: {
        tags,
        summary: 'Everything that happened with the patient, newest first',
        'x-permission': 'patients.read',
        params: PatientIdParams,
        querystring: TimelineQuery,
        response: { 200: TimelinePage, ...errors, 404: Problem },
      },
    },
    async (request) => patientTimeline(request.ctx(), request.params.id, request.query),
  );

  app.post(
    '/api/patients/:id/encounters',
    {
      schema: {
        tags,
        summary: 'Record an encounter (visit, stay, surgery, lab, exam) with diagnoses and procedures',
        'x-permission': 'patients.clinical.write',
        params: PatientIdParams,
        body: CreateEncounterBody,
        response: { 201: PatientFile, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await addEncounter(request.ctx(), request.params.id, request.body)),
  );

  app.post(
    '/api/patients/:id/allergies',
    {
      schema: {
        tags,
        summary: 'Record an allergy',
        'x-permission': 'patients.clinical.write',
        params: PatientIdParams,
        body: CreateAllergyBody,
        response: { 201: PatientFile, ...errors, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await addAllergy(request.ctx(), request.params.id, request.body)),
  );
};
