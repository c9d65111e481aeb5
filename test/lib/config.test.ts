import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('starts with the documented defaults on an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dbPath: './data/hcrm.db',
      timeZone: 'Asia/Shanghai',
      admin: null,
      demoSeed: undefined,
      secretKey: undefined,
      mllpPort: undefined,
      publicUrl: 'http://127.0.0.1:3000',
      twilio: null,
    });
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      HCRM_DB_PATH: '/var/lib/hcrm/hcrm.db',
      HCRM_TIMEZONE: 'Asia/Urumqi',
      HCRM_ADMIN_USERNAME: 'root',
      HCRM_ADMIN_PASSWORD: 'a long enough password',
      HCRM_DEMO_SEED: 'false',
      HCRM_SECRET_KEY: 'k'.repeat(32),
      HCRM_MLLP_PORT: '2575',
      HCRM_PUBLIC_URL: 'https://crm.hospital.example',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_FROM: '+15005550006',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      timeZone: 'Asia/Urumqi',
      admin: { username: 'root', password: 'a long enough password' },
      demoSeed: false,
      mllpPort: 2575,
      publicUrl: 'https://crm.hospital.example',
      twilio: { accountSid: 'AC123', authToken: 'secret', from: '+15005550006' },
    });
  });

  it('reads the messaging rules and providers', () => {
    const config = loadConfig({
      HCRM_QUIET_HOURS: '22:30-07:00',
      HCRM_SMS_SEGMENTS_PER_SECOND: '100',
      HCRM_EMAIL_PER_SECOND: '5',
      HCRM_SMS_MAX_SEGMENTS: '3',
      HCRM_MARKETING_CAP_PER_WEEK: '1',
      HCRM_HOSPITAL_CONTACT: '客服 010-12345678',
      SMTP_URL: 'smtps://user:pass@mail.hospital.example:465',
      SMTP_FROM: '医院 <notice@hospital.example>',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_API_KEY_SID: 'SK123',
      TWILIO_API_KEY_SECRET: 'key-secret',
      TWILIO_MESSAGING_SERVICE_SID: 'MG123',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:8089',
    });
    expect(config.messaging).toMatchObject({ quietHours: { start: 22 * 60 + 30, end: 7 * 60 }, smsSegmentsPerSecond: 100, emailPerSecond: 5, smsMaxSegments: 3, marketingCapPerWeek: 1, hospitalContact: '客服 010-12345678' });
    expect(config.smtpUrl).toBe('smtps://user:pass@mail.hospital.example:465');
    expect(config.twilio).toEqual({ accountSid: 'AC123', authToken: undefined, apiKey: { sid: 'SK123', secret: 'key-secret' }, from: undefined, messagingServiceSid: 'MG123', apiBaseUrl: 'http://127.0.0.1:8089' });
    expect(loadConfig({}).messaging).toMatchObject({ quietHours: { start: 21 * 60, end: 8 * 60 }, smsSegmentsPerSecond: 1, marketingCapPerWeek: 2 });
  });

  it('refuses a Twilio account without a credential or a sender, naming what is missing', () => {
    expect(configError({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_FROM: '+15005550006' }).message).toContain('TWILIO_AUTH_TOKEN');
    expect(configError({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 'x' }).message).toContain('TWILIO_MESSAGING_SERVICE_SID');
  });

  it('treats a blank variable as unset', () => {
    expect(loadConfig({ PORT: '', HCRM_TIMEZONE: '' })).toMatchObject({ port: 3000, timeZone: 'Asia/Shanghai' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['HCRM_TIMEZONE', 'Mars/Olympus_Mons'],
    ['HCRM_ADMIN_PASSWORD', 'short'],
    ['HCRM_DEMO_SEED', 'yes'],
    ['HCRM_SECRET_KEY', 'too-short'],
    ['HCRM_MLLP_PORT', '0'],
    ['HCRM_PUBLIC_URL', 'not a url'],
    ['HCRM_LOG_LEVEL', 'chatty'],
    ['HCRM_MATCH_LINK_THRESHOLD', 'high'],
    ['HCRM_QUIET_HOURS', 'evenings'],
    ['HCRM_SMS_SEGMENTS_PER_SECOND', '0'],
    ['SMTP_URL', 'mail.example:25'],
    ['TWILIO_ACCOUNT_SID', 'XX123'],
  ])('refuses an invalid %s (%s) with a ConfigError naming the variable', (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'HCRM_ADMIN_PASSWORD') env['HCRM_ADMIN_USERNAME'] = 'root';
    const error = configError(env);
    expect(error.message).toContain(name);
  });

  it('refuses an admin username without a password', () => {
    const error = configError({ HCRM_ADMIN_USERNAME: 'root' });
    expect(error.message).toContain('HCRM_ADMIN_USERNAME');
    expect(error.message).toContain('HCRM_ADMIN_PASSWORD');
  });

  it('reads the patient-index thresholds, with defaults that agree with .env.example', () => {
    expect(loadConfig({}).match).toMatchObject({ linkThreshold: 20, reviewThreshold: 10 });
    expect(loadConfig({ HCRM_MATCH_LINK_THRESHOLD: '25.5', HCRM_MATCH_REVIEW_THRESHOLD: '-3' }).match).toMatchObject({ linkThreshold: 25.5, reviewThreshold: -3 });
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const fromExample = Object.fromEntries([...example.matchAll(/^(HCRM_MATCH_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(loadConfig(fromExample).match).toEqual(loadConfig({}).match);
  });

  it('refuses a review threshold above the link threshold', () => {
    const error = configError({ HCRM_MATCH_LINK_THRESHOLD: '10', HCRM_MATCH_REVIEW_THRESHOLD: '12' });
    expect(error.message).toContain('HCRM_MATCH_REVIEW_THRESHOLD');
    expect(error.message).toContain('HCRM_MATCH_LINK_THRESHOLD');
  });

  it('lists every invalid variable at once', () => {
    const error = configError({ PORT: 'x', HCRM_TIMEZONE: 'Nowhere/Land' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('HCRM_TIMEZONE');
  });
});

describe('greeting configuration', () => {
  it('sends greetings at 09:00 with only the lunar festivals by default', () => {
    expect(loadConfig({})).toMatchObject({ greetingTime: '09:00', solarFestivals: [] });
  });

  it('reads the greeting time and solar festivals', () => {
    const config = loadConfig({ HCRM_GREETING_TIME: '08:30', HCRM_SOLAR_FESTIVALS: '元旦=01-01, 国庆节=10-01' });
    expect(config.greetingTime).toBe('08:30');
    expect(config.solarFestivals).toEqual([
      { name: '元旦', monthDay: '01-01' },
      { name: '国庆节', monthDay: '10-01' },
    ]);
  });

  it('refuses a greeting time or festival it cannot read', () => {
    expect(configError({ HCRM_GREETING_TIME: '9am' }).message).toContain('HCRM_GREETING_TIME');
    expect(configError({ HCRM_SOLAR_FESTIVALS: '国庆节=13-01' }).message).toContain('HCRM_SOLAR_FESTIVALS');
  });

  it('reads the call centre\'s categories and limits, and names a bad category list', () => {
    const config = loadConfig({ HCRM_CONSULTATION_CATEGORIES: 'address_route, prices,other', HCRM_WEEKLY_CALL_CAP: '2', HCRM_RECORDING_MAX_MB: '10' });
    expect(config.callcentre).toMatchObject({ consultationCategories: ['address_route', 'prices', 'other'], weeklyCallCap: 2, recordingMaxBytes: 10 * 1024 * 1024, conversionDays: 14 });
    expect(loadConfig({}).callcentre.consultationCategories).toBeUndefined();
    expect(configError({ HCRM_CONSULTATION_CATEGORIES: '价格,other' }).message).toContain('HCRM_CONSULTATION_CATEGORIES');
  });
});
