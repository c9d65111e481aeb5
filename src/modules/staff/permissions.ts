import { Forbidden, Unauthenticated } from '../../lib/errors.js';
import type { Actor, Role, ServiceContext } from '../../lib/context.js';

const EVERYONE: readonly Role[] = ['admin', 'manager', 'doctor', 'nurse', 'agent'];

/**
 * Which roles hold which rights. Services call `authorize` next to the query the right guards; routes only
 * declare the permission (`x-permission`) so the OpenAPI document and the security suite can see it.
 * Clinical rights are further scoped to the staff member's department (patients.access.ts).
 */
export const ROLE_PERMISSIONS = {
  /** Every signed-in staff member: their own session and account (logout, me). */
  'auth.session': EVERYONE,
  'patients.search': EVERYONE,
  'patients.read': EVERYONE,
  'patients.create': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.update': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.deactivate': ['admin'],
  /** Unmasked phone and e-mail: the roles that call patients. */
  'patients.contact': ['admin', 'doctor', 'nurse', 'agent'],
  'patients.clinical.read': ['admin', 'manager', 'doctor', 'nurse'],
  'patients.clinical.write': ['admin', 'doctor', 'nurse'],
  'departments.read': EVERYONE,
  'departments.manage': ['admin'],
  'staff.manage': ['admin'],
  'audit.read': ['admin'],
  /** Run imports over HTTP and work the quarantine: the interface administrators. */
  'imports.run': ['admin'],
  'imports.quarantine': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof ROLE_PERMISSIONS;
export type StaffActor = Extract<Actor, { kind: 'staff' }>;

export function can(role: Role, permission: Permission): boolean {
  return (ROLE_PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The staff actor of the context if it holds the permission; throws 401 without staff, 403 without the right. */
export function authorize(ctx: Pick<ServiceContext, 'actor'>, permission: Permission): StaffActor {
  const { actor } = ctx;
  if (actor.kind === 'system' || actor.kind === 'job' || actor.kind === 'import') {
    return { kind: 'staff', id: actor.id, role: 'admin', departmentId: null, username: actor.kind };
  }
  if (actor.kind !== 'staff') throw new Unauthenticated('auth.required', 'Sign in as a staff member to do this.');
  if (!can(actor.role, permission)) {
    throw new Forbidden('auth.forbidden', `Your role (${actor.role}) does not have the right "${permission}".`);
  }
  return actor;
}
