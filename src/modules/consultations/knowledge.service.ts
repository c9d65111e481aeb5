import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { newId } from '../../lib/ids.js';
import { inReadSnapshot, inTransaction } from '../../lib/transaction.js';
import { audit } from '../audit/audit.service.js';
import { authorize } from '../staff/permissions.js';
import { articleNotFound, stale } from './consultations.errors.js';
import * as repo from './consultations.repository.js';
import type { CreateArticleBody, KnowledgeArticle, ReviseArticleBody } from './consultations.schemas.js';
import { checkCategory } from './consultations.service.js';

export async function searchKnowledge(ctx: ServiceContext, query: { q?: string | undefined; category?: string | undefined }): Promise<{ items: KnowledgeArticle[] }> {
  authorize(ctx, 'knowledge.read');
  return { items: inReadSnapshot(ctx, (tx) => repo.searchArticles(tx, query.q, query.category)) };
}

export async function createArticle(ctx: ServiceContext, body: CreateArticleBody): Promise<KnowledgeArticle> {
  const actor = authorize(ctx, 'knowledge.manage');
  checkCategory(ctx, body.category);
  return inTransaction(ctx, (tx) => {
    const id = newId();
    repo.insertArticle(tx, { id, articleId: newId(), version: 1, ...body, current: true, createdAt: ctx.now.toISOString(), createdBy: actor.username });
    audit(tx, ctx, { action: 'knowledge.create', entityType: 'knowledge_article', entityId: id });
    return repo.articleVersion(tx, id)!;
  });
}

/** A revision is a new version; the old one stays for the answers that quoted it. */
export async function reviseArticle(ctx: ServiceContext, articleId: string, body: ReviseArticleBody): Promise<KnowledgeArticle> {
  const actor = authorize(ctx, 'knowledge.manage');
  checkCategory(ctx, body.category);
  return inTransaction(ctx, (tx) => {
    const current = repo.currentArticle(tx, articleId);
    if (!current) throw articleNotFound(articleId);
    if (current.version !== body.version) throw stale('knowledge', body.version, current.version);
    repo.retireArticleVersion(tx, current.id);
    const id = newId();
    const { version: _v, ...fields } = body;
    repo.insertArticle(tx, { id, articleId, version: current.version + 1, ...fields, current: true, createdAt: ctx.now.toISOString(), createdBy: actor.username });
    audit(tx, ctx, { action: 'knowledge.revise', entityType: 'knowledge_article', entityId: id, detail: { articleId, version: current.version + 1 } });
    return repo.articleVersion(tx, id)!;
  });
}

export async function articleHistory(ctx: ServiceContext, articleId: string): Promise<{ items: KnowledgeArticle[] }> {
  authorize(ctx, 'knowledge.read');
  const items = inReadSnapshot(ctx, (tx) => repo.articleHistory(tx, articleId));
  if (items.length === 0) throw articleNotFound(articleId);
  return { items };
}

/** The current standard answer of the category whose words best match the question (title and keywords count). */
export function bestArticleFor(tx: Tx, category: string, question: string, mustMatch = false): repo.ArticleRow | undefined {
  const candidates = repo.currentArticlesIn(tx, category);
  let best: { row: repo.ArticleRow; score: number } | undefined;
  for (const row of candidates) {
    const words = `${row.title} ${row.keywords}`.split(/[\s,，、]+/).filter((w) => w.length > 0);
    const score = words.filter((w) => question.includes(w)).length;
    if (!best || score > best.score) best = { row, score };
  }
  // With one standard answer for the category it is the answer; with several, one must match a word.
  // An SMS names no category, so there a word must match whatever the count (mustMatch).
  return best && (best.score > 0 || (candidates.length === 1 && !mustMatch)) ? best.row : undefined;
}
