import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.js';
import type { ServiceContext } from '../../lib/context.js';
import { flattenItems, translated } from '../followup/questionnaire/fhir.js';

export type Lang = 'zh-CN' | 'en';

/** Names for the keys figures are grouped by; a key without a name (a deleted row, '') reads as "none". */
export class Labels {
  #departments: Map<string, { zh: string; en: string }> | undefined;
  #doctors: Map<string, string> | undefined;

  constructor(
    private readonly tx: Tx,
    private readonly ctx: ServiceContext,
    private readonly lang: Lang,
  ) {}

  none(): string {
    return this.lang === 'en' ? '(none)' : '（无）';
  }

  department(id: string | null): string {
    if (!id) return this.none();
    this.#departments ??= new Map(this.tx.all<{ id: string; zh: string; en: string }>(sql`SELECT id, name_zh AS zh, name_en AS en FROM departments`).map((d) => [d.id, d]));
    const d = this.#departments.get(id);
    return d ? (this.lang === 'en' ? d.en : d.zh) : id;
  }

  doctor(id: string | null): string {
    if (!id) return this.none();
    this.#doctors ??= new Map(this.tx.all<{ id: string; name: string }>(sql`SELECT id, display_name AS name FROM staff`).map((s) => [s.id, s.name]));
    return this.#doctors.get(id) ?? id;
  }

  questionnaire(id: string): string {
    const entry = this.ctx.questionnaires.byId(id);
    if (!entry) return id;
    const q = entry.definition;
    return `${translated(q.title, q._title, this.lang) || entry.url}${entry.version ? ` v${entry.version}` : ''}`;
  }

  item(questionnaireId: string, linkId: string): string {
    const entry = this.ctx.questionnaires.byId(questionnaireId);
    const found = entry ? flattenItems(entry.definition.item).find((f) => f.item.linkId === linkId) : undefined;
    return found ? translated(found.item.text, found.item._text, this.lang) || linkId : linkId;
  }

  encounterClass(c: string | null): string {
    if (!c) return this.none();
    const zh: Record<string, string> = { outpatient: '门诊', emergency: '急诊', inpatient: '住院', surgery: '手术', lab: '检验', exam: '检查' };
    return this.lang === 'en' ? c : (zh[c] ?? c);
  }

  aspect(tag: string): string {
    const zh: Record<string, string> = {
      'aspect-doctor': '医生',
      'aspect-nursing': '护理',
      'aspect-waiting': '等候',
      'aspect-environment': '环境',
      'aspect-cost': '费用',
      'aspect-explanation': '解释说明',
    };
    return this.lang === 'en' ? tag.replace('aspect-', '') : (zh[tag] ?? tag);
  }

  of(dimension: string, key: string): string {
    if (dimension === 'department') return this.department(key);
    if (dimension === 'doctor') return this.doctor(key);
    if (dimension === 'questionnaire') return this.questionnaire(key);
    if (dimension === 'class') return this.encounterClass(key);
    return key;
  }
}
