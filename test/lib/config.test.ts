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
