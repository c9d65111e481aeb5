import { z } from 'zod';
import { DEFAULT_LINK_THRESHOLD, DEFAULT_MATCH_CONFIG, DEFAULT_REVIEW_THRESHOLD } from './modules/identity/match-config.js';
import type { MatchConfig } from './modules/identity/match-config.js';

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
  HCRM_INVITATION_REMINDER_DAYS: z.coerce.number().int().min(1).max(60).default(3),
  HCRM_QUESTIONNAIRE_WRONG_TOKEN_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
  HCRM_READ_AUDIT_SYNC_MS: z.coerce.number().int().min(0).max(1000).default(100),
  HCRM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HCRM_MATCH_LINK_THRESHOLD: z.coerce.number().finite().default(DEFAULT_LINK_THRESHOLD),
  HCRM_MATCH_REVIEW_THRESHOLD: z.coerce.number().finite().default(DEFAULT_REVIEW_THRESHOLD),
  HCRM_HOSPITAL_CONTACT: z.string().max(120).optional(),
  HCRM_QUIET_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must look like 21:00-08:00')
    .default('21:00-08:00'),
  HCRM_SMS_SEGMENTS_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
  HCRM_EMAIL_PER_SECOND: z.coerce.number().positive().max(10_000).default(20),
  HCRM_SMS_MAX_SEGMENTS: z.coerce.number().int().min(1).max(10).default(5),
  HCRM_MARKETING_CAP_PER_WEEK: z.coerce.number().int().min(0).max(100).default(2),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  SMTP_FROM: z.string().min(3).optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC\w+$/, 'must start with AC').optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_API_KEY_SID: z.string().regex(/^SK\w+$/, 'must start with SK').optional(),
  TWILIO_API_KEY_SECRET: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG\w+$/, 'must start with MG').optional(),
  TWILIO_API_BASE_URL: z.url().optional(),
  HCRM_CONSULTATION_CATEGORIES: z
    .string()
    .regex(/^\s*[a-z][a-z0-9_]{0,63}\s*(,\s*[a-z][a-z0-9_]{0,63}\s*)*$/, 'must be category codes (a-z, 0-9, _) separated by commas, like address_route,prices,other')
    .optional(),
  HCRM_CONVERSION_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  HCRM_WEEKLY_CALL_CAP: z.coerce.number().int().min(1).max(100).default(3),
  HCRM_FEEDBACK_CLOSE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  HCRM_RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  HCRM_RECORDING_MAX_MB: z.coerce.number().int().min(1).max(500).default(50),
  HCRM_GREETING_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time as HH:MM').default('09:00'),
  HCRM_SOLAR_FESTIVALS: z
    .string()
    .regex(/^\s*[^,=\s][^,=]{0,39}=(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\s*(,\s*[^,=\s][^,=]{0,39}=(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\s*)*$/, 'must be name=MM-DD pairs separated by commas, like 元旦=01-01,国庆节=10-01')
    .optional(),
  HCRM_BOOKING_WINDOW_DAYS: z.coerce.number().int().min(1).max(180).default(14),
  HCRM_SCHEDULE_DAYS_AHEAD: z.coerce.number().int().min(1).max(180).default(14),
  HCRM_CANCEL_CUTOFF_HOURS: z.coerce.number().min(0).max(168).default(2),
  HCRM_MAX_OPEN_BOOKINGS: z.coerce.number().int().min(1).max(50).default(5),
  HCRM_RESERVE_RELEASE_HOURS: z.coerce.number().min(0).max(720).default(24),
  HCRM_NO_SHOW_GRACE_MINUTES: z.coerce.number().int().min(0).max(1440).default(30),
  HCRM_NO_SHOW_LIMIT: z.coerce.number().int().min(0).max(100).default(3),
  HCRM_WAITLIST_HOLD_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  HCRM_APPOINTMENT_REMINDERS: z
    .string()
    .regex(/^\s*(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h)(\s*,\s*(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h))*\s*$/, 'must be offsets like day-before@18:00,2h')
    .default('day-before@18:00,2h'),
  HCRM_APPOINTMENT_TYPE_REMINDERS: z
    .string()
    .regex(
      /^\s*([a-z][a-z0-9-]*=(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h)(\s*,\s*(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h))*)?(\s*;\s*[a-z][a-z0-9-]*=(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h)(\s*,\s*(day-before@([01]\d|2[0-3]):[0-5]\d|\d{1,3}h))*)*\s*$/,
      'must be type=offsets pairs like followup=day-before@09:00,48h;outpatient=2h',
    )
    .default(''),
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
  /** Read audit rows are committed before the answer and forced to stable storage within this many ms (0: before). */
  readAuditSyncMs: number;
  /** Patient-index thresholds (bits of Fellegi–Sunter weight). */
  match: MatchConfig;
  /** Folder of FHIR Questionnaire JSON files, loaded and checked at start. */
  questionnairesDir: string;
  /** How long a questionnaire link stays valid. */
  invitationDays: number;
  /** An overall-satisfaction answer scoring this or lower raises a low_satisfaction event. */
  lowSatisfactionScore: number;
  /** Days before an unanswered plan invitation is reminded once. */
  invitationReminderDays: number;
  /** Wrong /q/ tokens one address may try in 15 minutes. */
  wrongTokenLimit: number;
  smtpUrl: string | undefined;
  smtpFrom: string;
  twilio: TwilioConfig | null;
  messaging: MessagingSettings;
  /** Local time (HH:MM) at which birthday and festival greetings go out. */
  greetingTime: string;
  /** Festivals on fixed solar dates, greeted besides the lunar ones. */
  solarFestivals: { name: string; monthDay: string }[];
  /** Call centre: consultation categories, conversion window, call cap, closing and recording rules. */
  callcentre: {
    consultationCategories?: string[];
    conversionDays: number;
    weeklyCallCap: number;
    feedbackCloseAfterDays: number;
    recordingRetentionDays: number;
    recordingMaxBytes: number;
  };
  appointments: AppointmentSettings;
}

/** The booking rules (issue 6): window, cut-off, limits, reserve release, no-show grace and reminders. */
export interface AppointmentSettings {
  bookingWindowDays: number;
  scheduleDaysAhead: number;
  cancelCutoffHours: number;
  maxOpenBookings: number;
  reserveReleaseHours: number;
  noShowGraceMinutes: number;
  /** Patients with this many no-shows in 90 days may not book online or by phone; 0: no limit. */
  noShowLimit: number;
  /** How long a freed place offered to the first patient waiting is held for them. */
  waitlistHoldMinutes: number;
  /** When reminders go: the day before at a local time, or hours before the appointment. */
  reminders: ReminderOffset[];
  /** Other offsets for some appointment types (outpatient, followup, …); a type not named uses `reminders`. */
  remindersByType: Record<string, ReminderOffset[]>;
}

export type ReminderOffset = { kind: 'day-before'; time: string } | { kind: 'hours'; hours: number };

/** `followup=day-before@09:00,48h;outpatient=2h` → offsets per appointment type. */
export function parseTypeReminderOffsets(text: string): Record<string, ReminderOffset[]> {
  const byType: Record<string, ReminderOffset[]> = {};
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [type = '', offsets = ''] = pair.split('=');
    byType[type.trim()] = parseReminderOffsets(offsets);
  }
  return byType;
}

export function parseReminderOffsets(text: string): ReminderOffset[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (part.startsWith('day-before@') ? { kind: 'day-before' as const, time: part.slice('day-before@'.length) } : { kind: 'hours' as const, hours: Number(part.slice(0, -1)) }));
}

export const DEFAULT_APPOINTMENT_SETTINGS: AppointmentSettings = {
  bookingWindowDays: 14,
  scheduleDaysAhead: 14,
  cancelCutoffHours: 2,
  maxOpenBookings: 5,
  reserveReleaseHours: 24,
  noShowGraceMinutes: 30,
  noShowLimit: 3,
  waitlistHoldMinutes: 30,
  reminders: parseReminderOffsets('day-before@18:00,2h'),
  remindersByType: {},
};

export interface TwilioConfig {
  accountSid: string;
  /** Signs the webhooks Twilio sends us; also the API password unless an API key is given. */
  authToken: string | undefined;
  apiKey: { sid: string; secret: string } | undefined;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  apiBaseUrl: string | undefined;
}

/** The rules messaging applies before sending; tests build their own. */
export interface MessagingSettings {
  publicUrl: string;
  hospitalContact: string;
  /** Minutes after local midnight: [start, end); start > end wraps past midnight. */
  quietHours: { start: number; end: number };
  smsSegmentsPerSecond: number;
  emailPerSecond: number;
  smsMaxSegments: number;
  marketingCapPerWeek: number;
}

export function parseQuietHours(text: string): { start: number; end: number } {
  const [start = 0, end = 0] = text.split('-').map((part) => {
    const [h = 0, m = 0] = part.split(':').map(Number);
    return h * 60 + m;
  });
  return { start, end };
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
  if (e.HCRM_MATCH_REVIEW_THRESHOLD > e.HCRM_MATCH_LINK_THRESHOLD) {
    throw new ConfigError(
      `Invalid configuration:\n  HCRM_MATCH_REVIEW_THRESHOLD (${e.HCRM_MATCH_REVIEW_THRESHOLD}) must not exceed HCRM_MATCH_LINK_THRESHOLD (${e.HCRM_MATCH_LINK_THRESHOLD})`,
    );
  }
  const twilio = twilioConfig(e);
  const publicUrl = (e.HCRM_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dbPath: e.HCRM_DB_PATH,
    timeZone: e.HCRM_TIMEZONE,
    admin: e.HCRM_ADMIN_USERNAME && e.HCRM_ADMIN_PASSWORD ? { username: e.HCRM_ADMIN_USERNAME, password: e.HCRM_ADMIN_PASSWORD } : null,
    demoSeed: e.HCRM_DEMO_SEED,
    secretKey: e.HCRM_SECRET_KEY,
    mllpPort: e.HCRM_MLLP_PORT,
    publicUrl,
    logLevel: e.HCRM_LOG_LEVEL,
    readAuditSyncMs: e.HCRM_READ_AUDIT_SYNC_MS,
    match: { ...DEFAULT_MATCH_CONFIG, linkThreshold: e.HCRM_MATCH_LINK_THRESHOLD, reviewThreshold: e.HCRM_MATCH_REVIEW_THRESHOLD },
    questionnairesDir: e.HCRM_QUESTIONNAIRES_DIR,
    invitationDays: e.HCRM_INVITATION_DAYS,
    lowSatisfactionScore: e.HCRM_LOW_SATISFACTION_SCORE,
    invitationReminderDays: e.HCRM_INVITATION_REMINDER_DAYS,
    wrongTokenLimit: e.HCRM_QUESTIONNAIRE_WRONG_TOKEN_LIMIT,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM ?? 'HCRM <no-reply@localhost>',
    twilio,
    messaging: {
      publicUrl,
      hospitalContact: e.HCRM_HOSPITAL_CONTACT ?? '',
      quietHours: parseQuietHours(e.HCRM_QUIET_HOURS),
      smsSegmentsPerSecond: e.HCRM_SMS_SEGMENTS_PER_SECOND,
      emailPerSecond: e.HCRM_EMAIL_PER_SECOND,
      smsMaxSegments: e.HCRM_SMS_MAX_SEGMENTS,
      marketingCapPerWeek: e.HCRM_MARKETING_CAP_PER_WEEK,
    },
    callcentre: {
      ...(e.HCRM_CONSULTATION_CATEGORIES ? { consultationCategories: e.HCRM_CONSULTATION_CATEGORIES.split(',').map((c) => c.trim()) } : {}),
      conversionDays: e.HCRM_CONVERSION_DAYS,
      weeklyCallCap: e.HCRM_WEEKLY_CALL_CAP,
      feedbackCloseAfterDays: e.HCRM_FEEDBACK_CLOSE_DAYS,
      recordingRetentionDays: e.HCRM_RECORDING_RETENTION_DAYS,
      recordingMaxBytes: e.HCRM_RECORDING_MAX_MB * 1024 * 1024,
    },
    greetingTime: e.HCRM_GREETING_TIME,
    solarFestivals: (e.HCRM_SOLAR_FESTIVALS ?? '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const [name, monthDay] = pair.split('=') as [string, string];
        return { name: name.trim(), monthDay: monthDay.trim() };
      }),
    appointments: {
      bookingWindowDays: e.HCRM_BOOKING_WINDOW_DAYS,
      scheduleDaysAhead: e.HCRM_SCHEDULE_DAYS_AHEAD,
      cancelCutoffHours: e.HCRM_CANCEL_CUTOFF_HOURS,
      maxOpenBookings: e.HCRM_MAX_OPEN_BOOKINGS,
      reserveReleaseHours: e.HCRM_RESERVE_RELEASE_HOURS,
      noShowGraceMinutes: e.HCRM_NO_SHOW_GRACE_MINUTES,
      noShowLimit: e.HCRM_NO_SHOW_LIMIT,
      waitlistHoldMinutes: e.HCRM_WAITLIST_HOLD_MINUTES,
      reminders: parseReminderOffsets(e.HCRM_APPOINTMENT_REMINDERS),
      remindersByType: parseTypeReminderOffsets(e.HCRM_APPOINTMENT_TYPE_REMINDERS),
    },
  };
}

/** Twilio is on when the account, a credential (auth token or API key) and a sender (number or messaging service) are all set. */
function twilioConfig(e: Env): TwilioConfig | null {
  if (!e.TWILIO_ACCOUNT_SID) return null;
  const apiKey = e.TWILIO_API_KEY_SID && e.TWILIO_API_KEY_SECRET ? { sid: e.TWILIO_API_KEY_SID, secret: e.TWILIO_API_KEY_SECRET } : undefined;
  const problems: string[] = [];
  if (!e.TWILIO_AUTH_TOKEN && !apiKey) problems.push('TWILIO_ACCOUNT_SID needs TWILIO_AUTH_TOKEN or TWILIO_API_KEY_SID with TWILIO_API_KEY_SECRET');
  if (!e.TWILIO_FROM && !e.TWILIO_MESSAGING_SERVICE_SID) problems.push('TWILIO_ACCOUNT_SID needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID');
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    accountSid: e.TWILIO_ACCOUNT_SID,
    authToken: e.TWILIO_AUTH_TOKEN,
    apiKey,
    from: e.TWILIO_FROM,
    messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
    apiBaseUrl: e.TWILIO_API_BASE_URL,
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
