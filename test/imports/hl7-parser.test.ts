import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { adaptHl7 } from '../../src/modules/imports/adapters/hl7/index.js';
import { mapHl7 } from '../../src/modules/imports/adapters/hl7/mapper.js';
import { parseHl7 } from '../../src/modules/imports/adapters/hl7/parser.js';
import { hl7Instant } from '../../src/modules/imports/adapters/hl7/time.js';
import type { UpsertRecord } from '../../src/modules/imports/canonical.js';
import { adt, oru, siu } from './hl7-fixtures.js';

const options = { source: 'HIS', timeZone: 'Asia/Shanghai' };
const adapt = (text: string | Buffer) => [...adaptHl7(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), options)];
const upsert = (text: string): UpsertRecord => {
  const [m] = adapt(text);
  if (!m?.ok) throw new Error(m?.rejected.reason);
  return m.record as UpsertRecord;
};

describe('the HL7 v2 parser', () => {
  it('reads delimiters from MSH-1 and MSH-2, so a feed using # for components and ! for repetitions parses', () => {
    const m = parseHl7('MSH*#!$@*HIS*HOSP*HCRM*HOSP*20261120083000**ADT#A28*C1*P*2.4\rPID*1**A1#$#$#HIS#MR!B2#$#$#EMR#PI**Zhang#San');
    const pid = m.segment('PID');
    expect(m.repetitions(pid, 3).map((r) => m.component(r, 4))).toEqual(['HIS', 'EMR']);
    expect(m.get(pid, 5, 2)).toBe('San');
    expect(m.get(m.segment('MSH'), 9, 2)).toBe('A28');
  });

  it('unescapes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and \\X..\\ with the message\'s own escape character', () => {
    const m = parseHl7('MSH|^~\\&|A|B|C|D|20261120||ADT^A08|C2|P|2.5\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X4F4B\\');
    expect(m.get(m.segment('NTE'), 3)).toBe('a|b^c&d~e\\fOK');
  });

  it('reads sub-components', () => {
    const m = parseHl7('MSH|^~\\&|A|B|C|D|20261120||ADT^A08|C3|P|2.5\rPV1|1|I|CARD&心内科^301');
    expect(m.get(m.segment('PV1'), 3, 1, 2)).toBe('心内科');
  });

  it('accepts segments ended by CR, LF or CRLF alike', () => {
    for (const end of ['\r', '\n', '\r\n']) expect(upsert(adt({ event: 'A28', controlId: 'E1' }).replaceAll('\r', end)).person?.name).toBe('张三丰');
  });

  it('passes over Z-segments', () => {
    const record = upsert(adt({ event: 'A28', controlId: 'Z1', extra: ['ZPI|1|anything|^~&|'] }));
    expect(record.person?.identifiers[0]).toMatchObject({ system: 'HIS', value: 'MRN0001', type: 'MR' });
  });

  it('decodes GB18030 bytes when MSH-18 says so', () => {
    const text = adt({ event: 'A28', controlId: 'G1', name: '欧阳^娜娜', charset: 'GB18030' });
    expect(upsert(iconv.encode(text, 'gb18030').toString('latin1')).person).toBeDefined();
    const [m] = adapt(iconv.encode(text, 'gb18030'));
    expect(m?.ok && (m.record as UpsertRecord).person?.name).toBe('欧阳娜娜');
  });

  it('reads ASCII and UNICODE UTF-8 character sets', () => {
    expect(upsert(adt({ event: 'A28', controlId: 'U1', charset: 'UNICODE UTF-8' })).person?.name).toBe('张三丰');
    expect(upsert(adt({ event: 'A28', controlId: 'A1', charset: 'ASCII', name: 'Zhang^San' })).person?.name).toBe('San Zhang');
  });

  it('turns timestamps with offsets into UTC, and local ones through the hospital time zone', () => {
    expect(hl7Instant('20261120083000+0800', 'Asia/Shanghai')).toBe('2026-11-20T00:30:00.000Z');
    expect(hl7Instant('20261120083000-0500', 'Asia/Shanghai')).toBe('2026-11-20T13:30:00.000Z');
    expect(hl7Instant('20261120083000', 'Asia/Shanghai')).toBe('2026-11-20T00:30:00.000Z');
    expect(hl7Instant('202611200830', 'UTC')).toBe('2026-11-20T08:30:00.000Z');
    expect(hl7Instant('20261340', 'UTC')).toBeNull();
  });

  it('maps PID-3 repetitions to identifiers with authority and type, and the resident ID apart', () => {
    const person = upsert(adt({ event: 'A28', controlId: 'P1' })).person!;
    expect(person.identifiers).toEqual([{ system: 'HIS', value: 'MRN0001', type: 'MR', assigningAuthority: 'HIS' }]);
    expect(person.residentId).toMatch(/^110105196804/);
    expect(person).toMatchObject({ gender: 'male', birthDate: '1968-04-12', phone: '13912345678', address: { province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路88号' } });
  });

  it('splits a body of several messages and numbers them', () => {
    const results = adapt(`${adt({ event: 'A28', controlId: 'M1' })}\n${adt({ event: 'A31', controlId: 'M2' })}`);
    expect(results.map((r) => r.ok && r.record.position)).toEqual(['message 1', 'message 2']);
  });
});

describe('each HL7 event', () => {
  it.each([
    ['A01', 'in-progress'],
    ['A02', 'in-progress'],
    ['A03', 'finished'],
    ['A04', 'in-progress'],
    ['A05', 'planned'],
    ['A11', 'cancelled'],
    ['A13', 'in-progress'],
  ])('ADT^%s becomes a visit with status %s', (event, status) => {
    const record = upsert(adt({ event, controlId: `EV-${event}`, dischargeAt: event === 'A03' ? '20261125100000+0800' : '' }));
    expect(record.encounters[0]).toMatchObject({ source: { system: 'HIS', id: 'V0001' }, class: 'inpatient', status, departmentCode: 'CARD' });
    if (event === 'A03') expect(record.encounters[0]?.endAt).toBe('2026-11-25T02:00:00.000Z');
    if (event === 'A13') expect(record.encounters[0]?.endAt).toBeNull();
  });

  it('ADT^A08 updates the person and the visit without forcing a status', () => {
    const record = upsert(adt({ event: 'A08', controlId: 'EV-A08' }));
    expect(record.person?.name).toBe('张三丰');
    expect(record.encounters[0]?.status).toBeUndefined();
  });

  it.each(['A28', 'A31'])('ADT^%s carries the person only', (event) => {
    const record = upsert(adt({ event, controlId: `EV-${event}` }));
    expect(record.encounters).toEqual([]);
    expect(record.person?.name).toBe('张三丰');
  });

  it('ADT^A03 carries diagnoses, procedures and allergies', () => {
    const record = upsert(
      adt({
        event: 'A03',
        controlId: 'EV-DX',
        extra: ['AL1|1|DA|PCN^青霉素|SV|皮疹', 'DG1|1||I10^原发性高血压^I10||||||||||||1', 'DG1|2||E11.9^2型糖尿病^I10', 'PR1|1||99.04^输血|输血|20261121090000+0800'],
      }),
    );
    expect(record.allergies).toEqual([expect.objectContaining({ substance: '青霉素', severity: 'severe', reaction: '皮疹' })]);
    expect(record.encounters[0]?.diagnoses.map((d) => [d.code, d.primary])).toEqual([
      ['I10', true],
      ['E11.9', false],
    ]);
    expect(record.encounters[0]?.procedures[0]).toMatchObject({ code: '99.04', text: '输血', performedAt: '2026-11-21T01:00:00.000Z' });
  });

  it('ADT^A40 becomes a merge command and ADT^A47 a change of identifier', () => {
    const a40 = adapt(adt({ event: 'A40', controlId: 'EV-A40', extra: ['MRG|MRN0999^^^HIS^MR'] }))[0];
    expect(a40?.ok && a40.record).toMatchObject({ command: 'merge', survivor: [{ value: 'MRN0001' }, { type: 'NNCHN' }], retired: [{ value: 'MRN0999' }] });
    const a47 = adapt(adt({ event: 'A47', controlId: 'EV-A47', residentId: null, mrn: 'MRN0002', extra: ['MRG|MRN0001^^^HIS^MR'] }))[0];
    expect(a47?.ok && a47.record).toMatchObject({ command: 'change-identifier', from: { system: 'HIS', value: 'MRN0001' }, to: { system: 'HIS', value: 'MRN0002' } });
  });

  it.each([
    ['S12', 'planned'],
    ['S14', 'planned'],
    ['S15', 'cancelled'],
  ])('SIU^%s becomes a scheduled visit (%s)', (event, status) => {
    const record = upsert(siu(event as 'S12', `SIU-${event}`));
    expect(record.encounters[0]).toMatchObject({ source: { id: 'appointment/APT-1' }, status, departmentCode: 'CARD', startAt: '2026-12-01T01:00:00.000Z', attendingDoctorName: '王医生' });
  });

  it('ORU^R01 becomes one observation per OBX', () => {
    const record = upsert(oru('ORU-1'));
    expect(record.observations.map((o) => [o.code, o.value, o.unit, o.flag])).toEqual([
      ['GLU', '7.8', 'mmol/L', 'H'],
      ['HBA1C', '6.9', '%', 'H'],
    ]);
    expect(record.observations[0]?.observedAt).toBe('2026-11-19T23:30:00.000Z');
  });
});

describe('bad HL7 is rejected with what and where', () => {
  it.each([
    ['no MSH', 'PID|1||X', 'hl7.no_msh', 'segment 1'],
    ['bad encoding characters', 'MSH|^^\\&|A', 'hl7.bad_delimiters', 'MSH-2'],
    ['no control id', 'MSH|^~\\&|A|B|C|D|20261120||ADT^A28||P|2.5\rPID|1||X^^^HIS', 'hl7.missing_field', 'MSH-10'],
    ['an old version', 'MSH|^~\\&|A|B|C|D|20261120||ADT^A28|C|P|2.2\rPID|1||X^^^HIS', 'hl7.unsupported_version', 'MSH-12'],
    ['an unsupported event', 'MSH|^~\\&|A|B|C|D|20261120||ADT^A99|C|P|2.5\rPID|1||X^^^HIS||N^M', 'hl7.unsupported_event', 'MSH-9'],
    ['a broken birth date', adt({ event: 'A28', controlId: 'B1', birth: '19681350' }), 'hl7.bad_date', 'PID-7'],
    ['an unknown charset', adt({ event: 'A28', controlId: 'B2', charset: 'KLINGON' }), 'hl7.unknown_charset', 'MSH-18'],
    ['a garbage segment', 'MSH|^~\\&|A|B|C|D|20261120||ADT^A28|C|P|2.5\r<script>alert(1)</script>', 'hl7.bad_segment', 'segment 2'],
  ])('%s', (_what, text, code, where) => {
    const [m] = adapt(text);
    expect(m?.ok).toBe(false);
    if (!m?.ok) {
      expect(m?.rejected.code).toBe(code);
      expect(m?.rejected.reason).toContain(where);
    }
  });

  it('keeps hostile text verbatim', () => {
    const record = upsert(adt({ event: 'A28', controlId: 'H1', name: "R'); DROP TABLE patients;--^<script>x</script>" }));
    expect(record.person?.name).toBe("<script>x</script> R'); DROP TABLE patients;--");
  });

  it('maps the same message to the same record every time (a pure mapper)', () => {
    const m = parseHl7(adt({ event: 'A01', controlId: 'P2' }));
    expect(mapHl7(m, options, 'message 1')).toEqual(mapHl7(m, options, 'message 1'));
  });
});
