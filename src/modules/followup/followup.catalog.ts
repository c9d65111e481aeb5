import { createHash } from 'node:crypto';
import type { Db } from '../../../db/client.js';
import { newId } from '../../lib/ids.js';
import { inTransaction } from '../../lib/transaction.js';
import * as repo from './followup.repository.js';
import { QuestionnaireCatalog, type CatalogEntry } from './questionnaire/catalog.js';
import type { Questionnaire } from './questionnaire/fhir.js';
import { loadQuestionnaireFiles, QuestionnaireLoadError, versionOf } from './questionnaire/loader.js';

/**
 * At start: reads and checks questionnaires/, stores each new url+version, and refuses a file whose content
 * changed under a version already stored (answers tied to that version would no longer match their questions).
 * Returns every stored version, so old answers still find the questions they answered.
 */
export function syncQuestionnaireCatalog(db: Db, folder: string, now: Date): QuestionnaireCatalog {
  const files = loadQuestionnaireFiles(folder);
  return inTransaction({ db }, (tx) => {
    const stored = new Map(repo.allQuestionnaires(tx).map((row) => [`${row.url}|${row.version}`, row]));
    const current = new Set<string>();
    const changed: string[] = [];
    for (const { file, definition, source } of files) {
      const key = `${definition.url}|${versionOf(definition)}`;
      current.add(key);
      const sourceHash = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
      const existing = stored.get(key);
      if (existing) {
        if (existing.sourceHash !== sourceHash) changed.push(`  ${file}: url ${definition.url} version "${versionOf(definition)}" differs from the stored one; give the changed questionnaire a new version`);
        continue;
      }
      const row = { id: newId(), url: definition.url, version: versionOf(definition), title: definition.title ?? null, definition: source, sourceHash, file, loadedAt: now.toISOString() };
      repo.insertQuestionnaire(tx, row);
      stored.set(key, row);
    }
    if (changed.length > 0) throw new QuestionnaireLoadError(`Invalid questionnaire definitions:\n${changed.join('\n')}`);
    const entries: CatalogEntry[] = [...stored.values()].map((row) => ({
      id: row.id,
      url: row.url,
      version: row.version,
      definition: JSON.parse(row.definition) as Questionnaire,
      current: current.has(`${row.url}|${row.version}`),
    }));
    return new QuestionnaireCatalog(entries);
  });
}
