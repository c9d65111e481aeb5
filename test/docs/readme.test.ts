import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Env } from '../../src/config.js';
import { useTestHospital } from '../helpers/app.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the README', () => {
  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm (?:run )?([a-z][\w:-]*)/g)].map((m) => m[1]!).filter((name) => !['ci', 'install'].includes(name));
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(Object.keys(scripts), `README names "npm ${name}"`).toContain(name);
  });

  it('documents every environment variable the service reads, as .env.example lists them', () => {
    for (const variable of Object.keys(Env.shape)) {
      expect(readme, `${variable} in README`).toContain(`\`${variable}\``);
      expect(envExample, `${variable} in .env.example`).toMatch(new RegExp(`^${variable}=`, 'm'));
    }
  });

  it('starts with the two commands for a fresh machine', () => {
    const firstScreen = readme.split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toContain('npm ci && npm start');
    expect(firstScreen).toContain('bash .ci/run');
    expect(readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8')).toContain('npm test');
  });
});

describe('the OpenAPI document', async () => {
  const h = await useTestHospital();

  it('has the fixed public paths of the design', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/health', '/api/auth/login', '/api/auth/logout', '/api/patients', '/api/patients/{id}', '/api/patients/{id}/timeline', '/api/audit']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
