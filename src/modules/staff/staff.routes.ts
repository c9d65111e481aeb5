import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import { SESSION_COOKIE, setSessionCookie } from '../../lib/request-context.js';
import { login, logout } from './auth.service.js';
import { createDepartment, createStaff, getStaff, listDepartments, listStaff, updateStaff } from './staff.service.js';
import {
  CreateDepartmentBody,
  CreateStaffBody,
  Department,
  DepartmentList,
  LoginBody,
  LoginReply,
  StaffIdParams,
  StaffListQuery,
  StaffPage,
  StaffUser,
  UpdateStaffBody,
} from './staff.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };

export const staffRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password; returns a Bearer token and sets the session cookie',
        security: [],
        body: LoginBody,
        response: { 200: LoginReply, 400: Problem, 401: Problem, 429: Problem },
      },
    },
    async (request, reply) => {
      const session = await login(request.ctx(), request.body);
      setSessionCookie(reply, request, session);
      return session;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End this session', 'x-permission': 'auth.session', response: { 204: z.null(), 401: Problem } } },
    async (request, reply) => {
      await logout(request.ctx());
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in staff member', 'x-permission': 'auth.session', response: { 200: StaffUser, ...errors } } },
    async (request) => {
      const ctx = request.ctx();
      return getStaff(ctx, ctx.actor.id);
    },
  );

  app.get(
    '/api/staff',
    { schema: { tags: ['staff'], summary: 'Staff accounts', 'x-permission': 'staff.manage', querystring: StaffListQuery, response: { 200: StaffPage, ...errors } } },
    async (request) => listStaff(request.ctx(), request.query),
  );

  app.post(
    '/api/staff',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create a staff account',
        'x-permission': 'staff.manage',
        body: CreateStaffBody,
        response: { 201: StaffUser, ...errors, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createStaff(request.ctx(), request.body)),
  );

  app.get(
    '/api/staff/:id',
    { schema: { tags: ['staff'], summary: 'One staff account', 'x-permission': 'staff.manage', params: StaffIdParams, response: { 200: StaffUser, ...errors, 404: Problem } } },
    async (request) => getStaff(request.ctx(), request.params.id),
  );

  app.patch(
    '/api/staff/:id',
    {
      schema: {
        tags: ['staff'],
        summary: 'Change role, department, password or status; carries the version read',
        'x-permission': 'staff.manage',
        params: StaffIdParams,
        body: UpdateStaffBody,
        response: { 200: StaffUser, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => updateStaff(request.ctx(), request.params.id, request.body),
  );

  app.get(
    '/api/departments',
    { schema: { tags: ['staff'], summary: 'Departments (科室)', 'x-permission': 'departments.read', response: { 200: DepartmentList, ...errors } } },
    async (request) => ({ items: await listDepartments(request.ctx()) }),
  );

  app.post(
    '/api/departments',
    {
      schema: {
        tags: ['staff'],
        summary: 'Create a department',
        'x-permission': 'departments.manage',
        body: CreateDepartmentBody,
        response: { 201: Department, ...errors, 409: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await createDepartment(request.ctx(), request.body)),
  );
};
