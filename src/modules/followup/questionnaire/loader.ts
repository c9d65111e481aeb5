import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Questionnaire } from './fhir.js';
import { validateQuestionnaire } from './validate.js';

/** A definition file that cannot be used; the message names the file and each item at fault. Stops the start. */
export class QuestionnaireLoadError extends Error {}

export interface LoadedDefinition {
  file: string;
  definition: Questionnaire;
  /** The file's raw text, so a stored version can tell when its file was edited without a new version. */
  source: string;
}

/** The version key of a definition: FHIR allows none, which HCRM keeps as the empty string. */
export const versionOf = (q: Questionnaire): string => q.version ?? '';

/** Reads and checks every `*.json` in the folder; all problems of all files are reported together. */
export function loadQuestionnaireFiles(folder: string): LoadedDefinition[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
  } catch (error) {
    throw new QuestionnaireLoadError(`Cannot read the questionnaire folder ${folder}: ${(error as Error).message}`);
  }
  const loaded: LoadedDefinition[] = [];
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = join(folder, name);
    const source = readFileSync(file, 'utf8');
    const result = parseDefinition(name, source);
    if ('problems' in result) {
      problems.push(...result.problems);
      continue;
    }
    const key = `${result.definition.url}|${versionOf(result.definition)}`;
    const other = seen.get(key);
    if (other) problems.push(`${name}: url ${result.definition.url} version "${versionOf(result.definition)}" is also defined in ${other}`);
    seen.set(key, name);
    loaded.push({ file: name, definition: result.definition, source });
  }
  if (problems.length > 0) throw new QuestionnaireLoadError(`Invalid questionnaire definitions:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return loaded;
}

/** One file's text → a checked definition, or its problems as lines naming the file, linkId and path. */
export function parseDefinition(name: string, source: string): { definition: Questionnaire } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (error) {
    return { problems: [`${name}: invalid JSON: ${(error as Error).message}`] };
  }
  const found = validateQuestionnaire(raw);
  if (found.length > 0) {
    return { problems: found.map((p) => `${name}: ${p.linkId !== null ? `item "${p.linkId}" ` : ''}${p.path ? `at ${p.path}` : ''}: ${p.message}`.replace(' : ', ': ')) };
  }
  return { definition: raw as Questionnaire };
}
