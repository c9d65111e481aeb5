import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** Every environment variable HCRM reads, in one place. README and .env.example list the same names. */
export const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  HCRM_DB_PATH: z.string().min(1).default('./data/hcrm.db'),
  HCRM_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(isKnownTimeZone, { message: 'is not an IANA time zone such as Asia/Shanghai' }),
  HCRM_ADMIN_USERNAME: z.string().min(3).max(64).optional(),
  HCRM_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
  HCRM_DEMO_SEED: booleanFromEnv.optional(),
  HCRM_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  HCRM_MLLP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HCRM_PUBLIC_URL: z.url().optional(),
  HCRM_QUESTIONNAIRES_DIR: z.string().min(1).default('./questionnaires'),
  HCRM_INVITATION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  HCRM_LOW_SATISFACTION_SCORE: z.coerce.number().min(0).max(10).default(2),
  HCRM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
});
export type Env = z.infer<typeof Env>;

export interface Config {
  port: number;
  host: string;
  dbPath: string;
  timeZone: string;
  admin: { username: string; password: string } | null;
  /** undefined: seed only when the database is empty on a default start. */
  demoSeed: boolean | undefined;
  secretKey: string | undefined;
  mllpPort: number | undefined;
  publicUrl: string;
  logLevel: Env['HCRM_LOG_LEVEL'];
  /** Folder of FHIR Questionnaire JSON files, loaded and checked at start. */
  questionnairesDir: string;
  /** How long a questionnaire link stays valid. */
  invitationDays: number;
  /** An overall-satisfaction answer scoring this or lower raises a low_satisfaction event. */
  lowSatisfactionScore: number;
  smtpUrl: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string | undefined; apiBaseUrl: string | undefined } | null;
}

export class ConfigError extends Error {}

/** Reads the environment once at boot; nothing else in HCRM looks at process.env. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = Env.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.HCRM_ADMIN_USERNAME) !== Boolean(e.HCRM_ADMIN_PASSWORD)) {
    throw new ConfigError('Invalid configuration:\n  HCRM_ADMIN_USERNAME and HCRM_ADMIN_PASSWORD go together');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.HCRM_DB_PATH,
    timeZone: e.HCRM_TIMEZONE,
    admin: e.HCRM_ADMIN_USERNAME && e.HCRM_ADMIN_PASSWORD ? { username: e.HCRM_ADMIN_USERNAME, password: e.HCRM_ADMIN_PASSWORD } : null,
    demoSeed: e.HCRM_DEMO_SEED,
    secretKey: e.HCRM_SECRET_KEY,
    mllpPort: e.HCRM_MLLP_PORT,
    publicUrl: e.HCRM_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`,
    logLevel: e.HCRM_LOG_LEVEL,
    questionnairesDir: e.HCRM_QUESTIONNAIRES_DIR,
    invitationDays: e.HCRM_INVITATION_DAYS,
    lowSatisfactionScore: e.HCRM_LOW_SATISFACTION_SCORE,
    smtpUrl: e.SMTP_URL,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, apiBaseUrl: e.TWILIO_API_BASE_URL }
        : null,
  };
}

function blankToUndefined(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]));
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
