import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Invalid } from '../../../../lib/errors.js';

/**
 * How one source's CSV columns map to the canonical person. Keys are canonical fields (`name`, `address.city`,
 * `identifier:his-mrn` for an identifier of that system); values are the file's header names, in any language.
 */
export const CsvMapping = z.strictObject({
  source: z.string().min(1).max(50).optional(),
  encoding: z.enum(['utf8', 'gbk', 'gb18030']).default('utf8'),
  delimiter: z.string().length(1).default(','),
  columns: z.record(
    z.string().regex(
      /^(name|gender|birthDate|residentId|phone|email|occupation|employer|updatedAt|address\.(province|city|district|detail)|identifier:[\w.:/-]{1,80}|visit\.(id|class|department|doctor|admittedAt|dischargedAt|diagnosisCode|diagnosisText|summary))$/,
      'is not a canonical field',
    ),
    z.string().min(1),
  ),
  /** Source values for gender (男 → male); HL7 letters and FHIR codes are understood without it. */
  genders: z.record(z.string(), z.enum(['male', 'female', 'other', 'unknown'])).default({}),
  /**
   * Source values for the visit class (门诊 → outpatient, 住院 → inpatient); the canonical names and HL7 PV1-2
   * letters (O, I, E) are understood without it. A row whose `visit.id` has a value carries a visit: a HIS
   * visit export imports the visit (department, times, diagnoses) as well as the patient.
   */
  visitClasses: z.record(z.string(), z.enum(['outpatient', 'emergency', 'inpatient', 'surgery', 'lab', 'exam'])).default({}),
});
export type CsvMapping = z.infer<typeof CsvMapping>;

const BUILT_IN = join(dirname(fileURLToPath(import.meta.url)), '../../mappings');

/** A mapping by name (a file in src/modules/imports/mappings) or, from the CLI, by path. */
export function loadMapping(nameOrPath: string, options: { allowPath: boolean }): CsvMapping {
  const isName = /^[a-z0-9-]{1,50}$/.test(nameOrPath);
  if (!isName && !options.allowPath) throw new Invalid('imports.unknown_mapping', `mapping must be the name of a mapping file, like his-patients`, [{ field: 'mapping', code: 'invalid', message: 'is not a mapping name' }]);
  const file = isName ? join(BUILT_IN, `${nameOrPath}.json`) : nameOrPath;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Invalid('imports.unknown_mapping', `No readable mapping "${nameOrPath}".`, [{ field: 'mapping', code: 'unknown', message: 'is not a mapping this server has' }]);
  }
  const parsed = CsvMapping.safeParse(json);
  if (!parsed.success) {
    throw new Invalid('imports.invalid_mapping', `Mapping "${nameOrPath}" is not valid.`, parsed.error.issues.map((i) => ({ field: `mapping.${i.path.join('.')}`, code: i.code, message: i.message })));
  }
  return parsed.data;
}
