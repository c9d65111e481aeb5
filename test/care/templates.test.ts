import { describe, expect, it } from 'vitest';
import { careTemplates } from '../../src/modules/care/care.templates.js';

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();

describe("care's message templates", () => {
  it('exist in zh-CN and en for every template care queues', () => {
    for (const name of ['care.medication', 'care.recheck', 'care.free-text', 'care.birthday', 'care.festival', 'care.campaign']) {
      expect(careTemplates.filter((t) => t.name === name).map((t) => t.locale).sort(), name).toEqual(['en', 'zh-CN']);
    }
  });

  it('use exactly the variables they declare, the same in both languages', () => {
    for (const template of careTemplates) {
      expect(placeholders(`${template.subject ?? ''} ${template.body}`), `${template.name} ${template.locale}`).toEqual([...template.variables].sort());
    }
  });
});
