import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TYPES = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
  'questionnaire.js': 'text/javascript; charset=utf-8',
  'stats.js': 'text/javascript; charset=utf-8',
  'chart.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * Assets served from a package rather than from src/web/assets/: Chart.js (MIT), vendored from node_modules so the
 * dashboard's charts need no outside network.
 */
const FROM_PACKAGES: Partial<Record<keyof typeof TYPES, () => string>> = {
  'chart.js': () => join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
};

export type AssetName = keyof typeof TYPES;
export const ASSET_NAMES = Object.keys(TYPES) as AssetName[];

export interface Asset {
  body: Buffer;
  contentType: string;
  /** Short content hash: pages link `app.css?v=<hash>`, so a new release is never served from a stale cache. */
  version: string;
}

export type Assets = Record<AssetName, Asset>;

/** Read once when the web plugin registers; the files sit next to this module (src/web/assets/). */
export async function loadAssets(): Promise<Assets> {
  const entries = await Promise.all(
    ASSET_NAMES.map(async (name) => {
      const fromPackage = FROM_PACKAGES[name];
      const body = await readFile(fromPackage ? fromPackage() : new URL(`./assets/${name}`, import.meta.url));
      const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
      return [name, { body, contentType: TYPES[name], version }] as const;
    }),
  );
  return Object.fromEntries(entries) as Assets;
}

export function assetUrl(assets: Assets, name: AssetName): string {
  return `/app/assets/${name}?v=${assets[name].version}`;
}
