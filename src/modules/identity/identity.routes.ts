import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { Problem } from '../../lib/problem.js';
import { getMerge, mergePatients, unmergeMerge, unmergePatient } from './identity.merge.js';
import type { MergeRow } from './identity.repository.js';
import { decideReview, decisionsOfPatient, getReview, listReviews } from './identity.reviews.js';
import { DecisionList, IdParams, MergeBody, MergeView, ReviewDecisionBody, ReviewDetail, ReviewListQuery, ReviewPage, UnmergeBody } from './identity.schemas.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };
const tags = ['identity'];

export const identityRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/identity/reviews',
    { schema: { tags, summary: 'Pairs of patient files the index was unsure of, newest first (open by default)', 'x-permission': 'identity.reviews.read', querystring: ReviewListQuery, response: { 200: ReviewPage, ...errors } } },
    async (request) => listReviews(request.ctx(), request.query),
  );

  app.get(
    '/api/identity/reviews/:id',
    { schema: { tags, summary: 'One review: both files side by side and the explanation of the score', 'x-permission': 'identity.reviews.read', params: IdParams, response: { 200: ReviewDetail, ...errors, 404: Problem } } },
    async (request) => getReview(request.ctx(), request.params.id),
  );

  app.post(
    '/api/identity/reviews/:id/decision',
    {
      schema: {
        tags,
        summary: 'Decide a review: link (merge the new file into the existing one), merge (choose the survivor) or different',
        'x-permission': 'identity.reviews.decide',
        params: IdParams,
        body: ReviewDecisionBody,
        response: { 200: ReviewDetail, ...errors, 404: Problem, 409: Problem },
      },
    },
    async (request) => decideReview(request.ctx(), request.params.id, request.body),
  );

  app.get(
    '/api/identity/patients/:id/decisions',
    { schema: { tags, summary: 'The decisions the index took about a patient file, with their explanations', 'x-permission': 'identity.reviews.read', params: IdParams, response: { 200: DecisionList, ...errors, 404: Problem } } },
    async (request) => decisionsOfPatient(request.ctx(), request.params.id),
  );

  app.post(
    '/api/identity/merges',
    { schema: { tags, summary: 'Merge one patient file into another (the merged file becomes an alias of the survivor)', 'x-permission': 'identity.merge', body: MergeBody, response: { 200: MergeView, ...errors, 404: Problem, 409: Problem } } },
    async (request) => view(await mergePatients(request.ctx(), request.body)),
  );

  app.get(
    '/api/identity/merges/:id',
    { schema: { tags, summary: 'A merge and what it moved', 'x-permission': 'identity.merge', params: IdParams, response: { 200: MergeView, ...errors, 404: Problem } } },
    async (request) => view(await getMerge(request.ctx(), request.params.id)),
  );

  app.post(
    '/api/identity/merges/:id/undo',
    { schema: { tags, summary: 'Undo a merge: both files as they were, what moved goes back', 'x-permission': 'identity.merge', params: IdParams, body: UnmergeBody, response: { 200: MergeView, ...errors, 404: Problem, 409: Problem } } },
    async (request) => view(await unmergeMerge(request.ctx(), request.params.id, request.body.reason)),
  );

  app.post(
    '/api/identity/patients/:id/unmerge',
    { schema: { tags, summary: 'Undo the merge that made this file an alias', 'x-permission': 'identity.merge', params: IdParams, body: UnmergeBody, response: { 200: MergeView, ...errors, 404: Problem, 409: Problem } } },
    async (request) => view(await unmergePatient(request.ctx(), request.params.id, request.body.reason)),
  );
};

function view(m: MergeRow): z.infer<typeof MergeView> {
  return { ...m, moved: Object.fromEntries(Object.entries(m.moved).map(([name, ids]) => [name, ids.length])) };
}
