import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const TYPES = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
  'questionnaire.js': 'text/javascript; charset=utf-8',
} as const;

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
      const body = await readFile(new URL(`./assets/${name}`, import.meta.url));
      const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
      return [name, { body, contentType: TYPES[name], version }] as const;
    }),
  );
  return Object.fromEntries(entries) as Assets;
}

export function assetUrl(assets: Assets, name: AssetName): string {
  return `/app/assets/${name}?v=${assets[name].version}`;
}
