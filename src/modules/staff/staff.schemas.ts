import { z } from 'zod';
import { ROLES } from '../../lib/context.js';
import { PageQuery } from '../../lib/pagination.js';

export const Role = z.enum(ROLES).describe('admin, manager, doctor, nurse or agent');

export const Username = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash or underscore');
/** Where staff notices go: one address, validated as an e-mail address (not checked for delivery). */
export const StaffEmail = z.string().trim().max(254).pipe(z.email('is not an e-mail address'));
export const Password = z.string().min(10, 'must be at least 10 characters').max(256);

export const LoginBody = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
export type LoginBody = z.infer<typeof LoginBody>;

export const StaffUser = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable().describe('Where staff notices are e-mailed'),
    role: Role,
    departmentId: z.string().nullable(),
    active: z.boolean(),
    lockedUntil: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'StaffUser' });
export type StaffUser = z.infer<typeof StaffUser>;

export const LoginReply = z.object({ token: z.string(), expiresAt: z.string(), user: StaffUser });

export const CreateStaffBody = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(100),
  email: StaffEmail.nullable().default(null),
  role: Role,
  departmentId: z.string().max(64).nullable().default(null),
  password: Password,
});
export type CreateStaffBody = z.infer<typeof CreateStaffBody>;

export const UpdateStaffBody = z.strictObject({
  version: z.number().int().min(1),
  displayName: z.string().trim().min(1).max(100).optional(),
  email: StaffEmail.nullable().optional().describe('null removes it'),
  role: Role.optional(),
  departmentId: z.string().max(64).nullable().optional(),
  active: z.boolean().optional(),
  password: Password.optional(),
  unlock: z.boolean().optional().describe('Clear a lock-out after failed logins'),
});
export type UpdateStaffBody = z.infer<typeof UpdateStaffBody>;

export const StaffIdParams = z.strictObject({ id: z.string().min(1).max(64) });
export const StaffListQuery = PageQuery.strict();
export const StaffPage = z.object({ items: z.array(StaffUser), nextCursor: z.string().nullable() });

export const Department = z
  .object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string(), active: z.boolean() })
  .meta({ id: 'Department' });
export type Department = z.infer<typeof Department>;

export const CreateDepartmentBody = z.strictObject({
  code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, dash or underscore'),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
});
export type CreateDepartmentBody = z.infer<typeof CreateDepartmentBody>;
export const DepartmentList = z.object({ items: z.array(Department) });
