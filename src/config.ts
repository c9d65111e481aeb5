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
  HCRM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
  HCRM_GREETING_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM').default('09:00'),
  HCRM_SOLAR_FESTIVALS: z
    .string()
    .regex(/^\s*[^,=\s][^,=]{0,39}=(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\s*(,\s*[^,=\s][^,=]{0,39}=(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\s*)*$/, 'must be name=MM-DD pairs separated by commas, like 元旦=01-01,国庆节=10-01')
    .optional(),
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
  smtpUrl: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string | undefined; apiBaseUrl: string | undefined } | null;
  /** Local time (HH:MM) at which birthday and festival greetings go out. */
  greetingTime: string;
  /** Festivals on fixed solar dates, greeted besides the lunar ones. */
  solarFestivals: { name: string; monthDay: string }[];
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
    smtpUrl: e.SMTP_URL,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, apiBaseUrl: e.TWILIO_API_BASE_URL }
        : null,
    greetingTime: e.HCRM_GREETING_TIME,
    solarFestivals: (e.HCRM_SOLAR_FESTIVALS ?? '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const [name, monthDay] = pair.split('=') as [string, string];
        return { name: name.trim(), monthDay: monthDay.trim() };
      }),
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
