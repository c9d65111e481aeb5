import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.js';
import { syncQuestionnaireCatalog } from '../../src/modules/followup/followup.catalog.js';
import { tagsOf, translated, flattenItems, type Questionnaire } from '../../src/modules/followup/questionnaire/fhir.js';
import { loadQuestionnaireFiles, QuestionnaireLoadError } from '../../src/modules/followup/questionnaire/loader.js';

const SHIPPED = new URL('../../questionnaires/', import.meta.url).pathname;

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hcrm-q-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function loadError(files: Record<string, string>): string {
  try {
    loadQuestionnaireFiles(folderWith(files));
  } catch (error) {
    expect(error).toBeInstanceOf(QuestionnaireLoadError);
    return (error as Error).message;
  }
  throw new Error('expected the load to fail');
}

const minimal = (items: unknown[]) => JSON.stringify({ resourceType: 'Questionnaire', url: 'https://example.org/q/broken', version: '1', status: 'active', item: items });

describe('the shipped questionnaires', () => {
  const loaded = loadQuestionnaireFiles(SHIPPED);

  it('all load, one per file, each with its own url and version', () => {
    expect(loaded.map((l) => l.file)).toEqual(readdirSync(SHIPPED).filter((n) => n.endsWith('.json')).sort());
    const names = loaded.map((l) => l.definition.url.split('/').pop());
    for (const name of ['outpatient-satisfaction', 'inpatient-satisfaction', 'post-surgery-followup', 'hypertension-followup', 'diabetes-followup', 'tcm-followup']) expect(names).toContain(name);
  });

  it.each(loaded.filter((l) => l.definition.url.startsWith('https://hcrm.example/')).map((l) => [l.file, l.definition] as const))('%s is in zh-CN with English for every text', (_file, q) => {
    expect(translated(q.title, q._title, 'en')).not.toBe(q.title);
    for (const { item } of flattenItems(q.item)) {
      expect(item.text, item.linkId).toMatch(/\p{Script=Han}/u);
      expect(translated(item.text, item._text, 'en'), item.linkId).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('tags the satisfaction surveys for the statistics: overall satisfaction, NPS and the six aspects', () => {
    const outpatient = loaded.find((l) => l.file === 'outpatient-satisfaction.json')!.definition;
    const tags = flattenItems(outpatient.item).flatMap((f) => tagsOf(f.item));
    expect(new Set(tags)).toEqual(new Set(['satisfaction-overall', 'nps', 'aspect-doctor', 'aspect-nursing', 'aspect-waiting', 'aspect-environment', 'aspect-cost', 'aspect-explanation', 'complaint']));
  });

  it('loads a standard FHIR questionnaire (PHQ-9 with LOINC codes) unchanged', () => {
    const phq = loaded.find((l) => l.file === 'phq-9.json')!;
    expect(phq.definition).toEqual(JSON.parse(readFileSync(join(SHIPPED, 'phq-9.json'), 'utf8')));
    expect(flattenItems(phq.definition.item)).toHaveLength(11);
  });
});

describe('a broken definition stops the load, naming the file and the item', () => {
  it.each([
    ['a bad item type', [{ linkId: 'q1', text: 'x', type: 'slider' }], /bad\.json: item "q1" at item\[0\]\.type: item type "slider" is not supported/],
    ['a duplicate linkId', [{ linkId: 'q1', type: 'string' }, { linkId: 'q1', type: 'boolean' }], /bad\.json: item "q1" at item\[1\]\.linkId: duplicate linkId "q1"/],
    [
      'enableWhen naming an unknown linkId',
      [{ linkId: 'q1', type: 'boolean' }, { linkId: 'q2', type: 'string', enableWhen: [{ question: 'nope', operator: '=', answerBoolean: true }] }],
      /bad\.json: item "q2" at item\[1\]\.enableWhen\[0\]: enableWhen refers to unknown linkId "nope"/,
    ],
    ['answerOption on a non-choice item', [{ linkId: 'age', type: 'integer', answerOption: [{ valueInteger: 1 }] }], /bad\.json: item "age" at item\[0\]\.answerOption: answerOption on a integer item/],
    ['a nested problem', [{ linkId: 'g', type: 'group', item: [{ linkId: 'deep', type: 'string', maxLength: 0 }] }], /item "deep" at item\[0\]\.item\[0\]\.maxLength/],
    ['an operator that cannot order its answer', [{ linkId: 'b', type: 'boolean' }, { linkId: 'c', type: 'string', enableWhen: [{ question: 'b', operator: '>', answerBoolean: true }] }], /does not order answerBoolean/],
    ['an enableWhen cycle', [{ linkId: 'a', type: 'boolean', enableWhen: [{ question: 'b', operator: 'exists', answerBoolean: true }] }, { linkId: 'b', type: 'boolean', enableWhen: [{ question: 'a', operator: 'exists', answerBoolean: true }] }], /cycle/],
    ['an unknown HCRM tag', [{ linkId: 'q', type: 'boolean', code: [{ system: 'https://hcrm.example/fhir/CodeSystem/followup-tag', code: 'happiness' }] }], /unknown tag "happiness"/],
  ])('%s', (_case, items, message) => {
    expect(loadError({ 'good.json': readFileSync(join(SHIPPED, 'phq-9.json'), 'utf8'), 'bad.json': minimal(items) })).toMatch(message);
  });

  it('invalid JSON', () => {
    expect(loadError({ 'bad.json': '{"resourceType": "Questionnaire",' })).toMatch(/bad\.json: invalid JSON/);
  });

  it('a second file with the same url and version', () => {
    const text = minimal([{ linkId: 'q', type: 'string' }]);
    expect(loadError({ 'a.json': text, 'b.json': text })).toMatch(/b\.json: url https:\/\/example\.org\/q\/broken version "1" is also defined in a\.json/);
  });
});

describe('stored versions', () => {
  it('keep old versions after the file moves on, and refuse a file changed under a stored version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcrm-qdb-'));
    const db = openDatabase(join(dir, 'q.db'));
    migrateDatabase(db);
    const folder = join(dir, 'q');
    mkdirSync(folder);
    const v1 = JSON.parse(minimal([{ linkId: 'q', type: 'string' }])) as Questionnaire;
    writeFileSync(join(folder, 'q.json'), JSON.stringify(v1));
    const first = syncQuestionnaireCatalog(db, folder, new Date());
    writeFileSync(join(folder, 'q.json'), JSON.stringify({ ...v1, version: '2', item: [{ linkId: 'q', type: 'text' }] }));
    const second = syncQuestionnaireCatalog(db, folder, new Date());
    expect(second.all().map((e) => [e.version, e.current])).toEqual([['1', false], ['2', true]]);
    expect(second.find(v1.url, '1')?.id).toBe(first.find(v1.url, '1')?.id);
    expect(second.find(v1.url)?.version).toBe('2');

    writeFileSync(join(folder, 'q.json'), JSON.stringify({ ...v1, version: '2', item: [{ linkId: 'q', type: 'boolean' }] }));
    expect(() => syncQuestionnaireCatalog(db, folder, new Date())).toThrow(/q\.json: url .* version "2" differs from the stored one; give the changed questionnaire a new version/);
    db.$client.close();
  });
});

describe('at start', () => {
  it('a bad definition stops createDeps, naming the file and the item', async () => {
    const { createDeps } = await import('../../src/app.js');
    const { ManualClock } = await import('../../src/lib/clock.js');
    const dir = mkdtempSync(join(tmpdir(), 'hcrm-qstart-'));
    const db = openDatabase(join(dir, 'q.db'));
    migrateDatabase(db);
    const folder = folderWith({ 'broken.json': minimal([{ linkId: 'mood', type: 'emoji' }]) });
    expect(() => createDeps({ db, clock: new ManualClock('2026-11-23T00:00:00Z'), secretKey: 'k'.repeat(32), timeZone: 'Asia/Shanghai', questionnairesDir: folder })).toThrow(
      /broken\.json: item "mood" at item\[0\]\.type: item type "emoji" is not supported/,
    );
    db.$client.close();
  });
});
