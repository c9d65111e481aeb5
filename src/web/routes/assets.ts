import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ASSET_NAMES, type AssetName, type Assets } from '../assets.js';

const AssetParams = z.object({ name: z.enum(ASSET_NAMES as [AssetName, ...AssetName[]]) });
const AssetQuery = z.object({ v: z.string().max(64).optional() });

/** Paths are under /app (the prefix of the pages plugin). Public: the sign-in page needs its style and script. */
export const assetRoutes: FastifyPluginAsyncZod<{ assets: Assets }> = async (app, { assets }) => {
  app.get('/assets/:name', { config: { public: true }, schema: { hide: true, params: AssetParams, querystring: AssetQuery } }, async (request, reply) => {
    const asset = assets[request.params.name];
    const etag = `"${asset.version}"`;
    // A link that names this version may be cached for good; any other request revalidates.
    void reply.header('cache-control', request.query.v === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache').header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(asset.contentType).send(asset.body);
  });
};
