import type { AgreementLevel, FieldName } from './identity.schemas.js';

/**
 * Fellegi–Sunter probabilities per field and agreement level: m = P(level | same person), u = P(level | two
 * different people who share a blocking key). The weight of a level is log2(m / u); a missing field weighs 0.
 *
 * These are set by hand from what the fields are: m from the error rates that registration desks and
 * FEBRL-style generators produce (a field is typo'd or dropped in roughly one record in ten), u from how often
 * unrelated people who share a blocking key share a value too (a surname in about 1%, a birth date in about
 * 1 in 1,000, a phone or ID almost never). They were then checked, not fitted, against FEBRL 1 and the Chinese
 * set; twins and conflicting resident IDs are rules because no weight separates them. em.ts fits m and u to
 * unlabelled records by EM (`match:eval --em`, and the benchmark's *_em_weights figures): on FEBRL and the
 * Chinese set its weights link about as well, which is the evidence that these defaults sit where the data
 * would put them; EM on a hospital's own records is the way to recalibrate.
 */
export type LevelProbabilities = Record<Exclude<AgreementLevel, 'missing'>, number>;
export interface FieldModel { m: LevelProbabilities; u: LevelProbabilities }

const NAME: FieldModel = {
  m: { exact: 0.86, close: 0.08, partial: 0.03, different: 0.03 },
  u: { exact: 0.01, close: 0.01, partial: 0.03, different: 0.95 },
};
const ADDRESS_TEXT: FieldModel = {
  m: { exact: 0.85, close: 0.07, partial: 0.03, different: 0.05 },
  u: { exact: 0.005, close: 0.005, partial: 0.02, different: 0.97 },
};

export const FIELD_MODELS: Record<FieldName, FieldModel> = {
  familyName: NAME,
  givenName: NAME,
  birthDate: {
    m: { exact: 0.88, close: 0.08, partial: 0.02, different: 0.02 },
    u: { exact: 0.001, close: 0.004, partial: 0.02, different: 0.975 },
  },
  gender: {
    m: { exact: 0.97, close: 0.01, partial: 0.01, different: 0.01 },
    u: { exact: 0.5, close: 0.01, partial: 0.01, different: 0.48 },
  },
  phone: {
    m: { exact: 0.85, close: 0.09, partial: 0.01, different: 0.05 },
    u: { exact: 0.0005, close: 0.0005, partial: 0.01, different: 0.989 },
  },
  residentId: {
    m: { exact: 0.95, close: 0.04, partial: 0.005, different: 0.005 },
    u: { exact: 0.000001, close: 0.00001, partial: 0.001, different: 0.999 },
  },
  identifier: {
    m: { exact: 0.9, close: 0.06, partial: 0.01, different: 0.03 },
    u: { exact: 0.00001, close: 0.0001, partial: 0.001, different: 0.999 },
  },
  streetNumber: {
    m: { exact: 0.85, close: 0.06, partial: 0.01, different: 0.08 },
    u: { exact: 0.02, close: 0.02, partial: 0.01, different: 0.95 },
  },
  street: ADDRESS_TEXT,
  addressLine2: ADDRESS_TEXT,
  locality: ADDRESS_TEXT,
  city: {
    m: { exact: 0.9, close: 0.05, partial: 0.02, different: 0.03 },
    u: { exact: 0.1, close: 0.02, partial: 0.05, different: 0.83 },
  },
  region: {
    m: { exact: 0.9, close: 0.04, partial: 0.01, different: 0.05 },
    u: { exact: 0.2, close: 0.01, partial: 0.02, different: 0.77 },
  },
  postcode: {
    m: { exact: 0.85, close: 0.1, partial: 0.01, different: 0.04 },
    u: { exact: 0.003, close: 0.01, partial: 0.01, different: 0.977 },
  },
};

export type WeightTable = Record<FieldName, Record<AgreementLevel, number>>;

export function weightTable(models: Record<FieldName, FieldModel> = FIELD_MODELS): WeightTable {
  const table = {} as WeightTable;
  for (const [field, model] of Object.entries(models) as [FieldName, FieldModel][]) {
    table[field] = {
      exact: Math.log2(model.m.exact / model.u.exact),
      close: Math.log2(model.m.close / model.u.close),
      partial: Math.log2(model.m.partial / model.u.partial),
      different: Math.log2(model.m.different / model.u.different),
      missing: 0,
    };
  }
  return table;
}
