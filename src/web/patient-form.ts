import type { FieldError } from '../lib/errors.js';
import type { PatientFile } from '../modules/patients/patients.schemas.js';
import { displayPhone } from './format.js';
import { formValue, type FormBody, type FormValues } from './forms.js';

/** The fields of the edit form, named by their path in UpdatePatientBody so service errors land next to them. */
export const SIMPLE_FIELDS = ['name', 'gender', 'preferredLanguage', 'preferredChannel'] as const;
export const NULLABLE_FIELDS = ['birthDate', 'phone', 'email', 'occupation', 'employer', 'source'] as const;
export const ADDRESS_FIELDS = ['address.province', 'address.city', 'address.district', 'address.detail'] as const;
export const HISTORY_FIELDS = ['pastHistory', 'familyHistory'] as const;
const ALL_FIELDS = ['version', ...SIMPLE_FIELDS, ...NULLABLE_FIELDS, 'residentId', ...ADDRESS_FIELDS, 'tags', ...HISTORY_FIELDS] as const;

const TAG_SEPARATORS = /[,，、;；\n]/;

/** The form as first shown. The resident ID is stored encrypted and shown masked, so its box starts empty. */
export function valuesOfFile(file: PatientFile): FormValues {
  return {
    version: String(file.version),
    name: file.name,
    gender: file.gender,
    birthDate: file.birthDate ?? '',
    residentId: '',
    // Shown as typed in China (139 1234 5678, 010…); the service reads that back to the same E.164 number.
    phone: displayPhone(file.phone),
    email: file.email ?? '',
    'address.province': file.address.province ?? '',
    'address.city': file.address.city ?? '',
    'address.district': file.address.district ?? '',
    'address.detail': file.address.detail ?? '',
    occupation: file.occupation ?? '',
    employer: file.employer ?? '',
    source: file.source ?? '',
    preferredLanguage: file.preferredLanguage,
    preferredChannel: file.preferredChannel,
    tags: file.tags.join(', '),
    pastHistory: file.clinical?.pastHistory ?? '',
    familyHistory: file.clinical?.familyHistory ?? '',
  };
}

export function valuesOfForm(body: FormBody | undefined): FormValues {
  return Object.fromEntries(ALL_FIELDS.map((name) => [name, formValue(body, name)]));
}

/**
 * Only what the user changed goes to updatePatient, compared with the file as it is now: an untouched masked value
 * is never sent back, and the audit row names just the fields that changed. A stale version still meets the
 * service's optimistic lock, which answers 409.
 */
export function updateFromForm(values: FormValues, file: PatientFile): Record<string, unknown> {
  const before = valuesOfFile(file);
  const now = (name: string) => (values[name] ?? '').trim();
  const changed = (name: string) => now(name) !== (before[name] ?? '').trim();
  const body: Record<string, unknown> = { version: /^\d+$/.test(now('version')) ? Number(now('version')) : now('version') };
  for (const name of SIMPLE_FIELDS) if (changed(name)) body[name] = now(name);
  for (const name of NULLABLE_FIELDS) if (changed(name)) body[name] = now(name) || null;
  if (now('residentId')) body['residentId'] = now('residentId');
  if (ADDRESS_FIELDS.some(changed)) {
    body['address'] = Object.fromEntries(ADDRESS_FIELDS.map((name) => [name.slice('address.'.length), now(name) || null]));
  }
  const tags = [...new Set(now('tags').split(TAG_SEPARATORS).map((tag) => tag.trim()).filter(Boolean))];
  if (tags.join(',') !== file.tags.join(',')) body['tags'] = tags;
  if (file.access.clinical) for (const name of HISTORY_FIELDS) if (changed(name)) body[name] = now(name) || null;
  return body;
}

/** Errors on list items belong to the one box that holds the list. */
export function errorsForForm(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, field: e.field.replace(/^tags\.\d+$/, 'tags') }));
}
