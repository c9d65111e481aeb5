import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { newOpaqueToken } from './crypto.js';

/**
 * Without HCRM_SECRET_KEY a development key is generated beside the database (mode 600) and reused, so a restart
 * can still read the fields it encrypted. Production sets the variable; the caller warns when this is used.
 */
export function readOrCreateDevelopmentKey(dbPath: string): { key: string; file: string } {
  const folder = dirname(resolve(dbPath));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'secret.key');
  if (!existsSync(file)) writeFileSync(file, newOpaqueToken(), { mode: 0o600 });
  return { key: readFileSync(file, 'utf8').trim(), file };
}
