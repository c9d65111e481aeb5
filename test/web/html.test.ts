import { describe, expect, it } from 'vitest';
import { html, raw } from '../../src/web/html.js';
import { safeNext } from '../../src/web/format.js';

describe('the html template', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<script>alert(1)</script>`;
    const quote = `" onmouseover="alert(1)`;
    expect(html`<p title="${quote}">${name}</p>`.value).toBe(
      '<p title="&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    );
    expect(html`<p>${"'); DROP TABLE patients;--"}</p>`.value).toBe('<p>&#39;); DROP TABLE patients;--</p>');
  });

  it('keeps nested fragments and raw() as markup, and renders lists and absent values', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${raw('<hr>')}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>');
    expect(html`${0} ${12}`.value).toBe('0 12');
  });
});

describe('the address to return to after signing in', () => {
  it('is a path under /app, or else the start page', () => {
    expect(safeNext('/app/patients/1?cursor=x')).toBe('/app/patients/1?cursor=x');
    for (const bad of ['https://evil.example/app/', '//evil.example', '/app//evil.example', '/app/\\evil', '/docs', undefined, 3]) {
      expect(safeNext(bad)).toBe('/app/');
    }
  });
});
