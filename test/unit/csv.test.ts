import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SENT_RECEIVED_AT_FIELD } from '../../src/shared/lead';
import { planImport } from '../../sync-server/src/cli/csv-import';
import { parseMapFlag } from '../../sync-server/src/cli/import-csv-command';
import { UsageError } from '../../sync-server/src/cli/errors';
import { csvCell, detectDelimiter, parseCsv } from '../../sync-server/src/formats/csv';

const cells = (text: string, d: ',' | ';' | '\t' = ',') => parseCsv(text, d).map((r) => r.cells);

describe('parseCsv', () => {
  it('reads plain records with LF, CRLF or CR line ends, and a final line end makes no record', () => {
    expect(cells('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cells('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cells('a,b\r1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('drops a UTF-8 BOM at the start', () => {
    expect(cells('\uFEFFname,email\nAnn,a@b.co')[0]).toEqual(['name', 'email']);
  });

  it('reads quoted cells with delimiters, doubled quotes and line breaks, keeping line numbers', () => {
    const text = 'name,notes\r\n"Lee, Ann","She said ""hi""\r\nthen left"\r\nBob,"x"\r\n';
    const records = parseCsv(text);
    expect(records.map((r) => r.cells)).toEqual([
      ['name', 'notes'],
      ['Lee, Ann', 'She said "hi"\nthen left'],
      ['Bob', 'x'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(records.every((r) => r.error === undefined)).toBe(true);
  });

  it('keeps empty cells, quoted empty cells and blank lines (as one empty cell)', () => {
    expect(cells('a,,c\n"",x,\n\nz')).toEqual([['a', '', 'c'], ['', 'x', ''], [''], ['z']]);
  });

  it('is lenient with spaces around quotes and a quote inside an unquoted cell', () => {
    expect(cells('a, "b,c" ,d\n5" screen,x')).toEqual([
      ['a', 'b,c', 'd'],
      ['5" screen', 'x'],
    ]);
  });

  it('reports a malformed record and goes on at the next line', () => {
    const records = parseCsv('a,b\n"x"y,z\nok,1\n');
    expect(records[1]).toMatchObject({ line: 2, error: 'cell 1 has text after its closing quote' });
    expect(records[2]).toEqual({ line: 3, cells: ['ok', '1'] });
  });

  it('reports a quote that is never closed', () => {
    const records = parseCsv('a,b\nok,1\n"open,2\nmore');
    expect(records).toHaveLength(3);
    expect(records[2]?.error).toBe('cell 1 opens a quote on line 3 that is never closed');
  });

  it('reads semicolon and tab files, and detects the delimiter from the header', () => {
    expect(detectDelimiter('name;email;phone\na,b,c;d')).toBe(';');
    expect(detectDelimiter('name\temail\n')).toBe('\t');
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(detectDelimiter('single\n')).toBe(',');
    expect(cells('a;"b;c"\n1;2', ';')).toEqual([
      ['a', 'b;c'],
      ['1', '2'],
    ]);
  });

  it('reads back what csvCell writes, for any cells (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r\n', 'é', ';') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1 }),
        (rows) => {
          const text = rows.map((r) => r.map((c) => csvCell(c)).join(',')).join('\r\n');
          const expected = rows.map((r) => r.map((c) => c.replace(/\r\n/g, '\n')));
          expect(cells(text)).toEqual(expected);
        },
      ),
    );
  });
});

describe('planImport', () => {
  const options = { source: 'csv_test', map: new Map(), unmapped: 'fields' as const, signals: [] };

  it('guesses lead fields from headers and keeps other columns as custom fields', () => {
    const plan = planImport(
      parseCsv(
        'First Name,Last Name,E-mail,Mobile,Org,Budget\nAnn,Lee,ann@acme.io,+1 415 555 0100,Acme,10k',
      ),
      { ...options, map: parseMapFlag('Org=company') },
    );
    expect(plan.columns.map((c) => c.target)).toEqual([
      'firstName',
      'lastName',
      'email',
      'phone',
      'company',
      'fields.Budget',
    ]);
    expect(plan.rows[0]?.body).toEqual({
      source: 'csv_test',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@acme.io',
      phone: '+1 415 555 0100',
      company: 'Acme',
      fields: { Budget: '10k' },
    });
    expect(plan.rows[0]?.row).toBe(2);
  });

  it('a row dated outside 2000-01-01 .. now (a CRM placeholder) is sent without it, the cell kept as a field', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const plan = planImport(
      parseCsv(
        'Name,Email,Received At\nOld,o@b.co,1900-01-01\nZero,z@b.co,1969-12-31T23:59:59Z\nLater,l@b.co,2027-01-01T00:00:00Z\nFine,f@b.co,2026-05-31T08:00:00Z',
      ),
      { ...options, now },
    );
    expect(plan.columns.map((c) => c.target)).toEqual(['name', 'email', 'receivedAt']);
    expect(plan.rows.map((r) => r.body)).toEqual([
      {
        source: 'csv_test',
        name: 'Old',
        email: 'o@b.co',
        fields: { [SENT_RECEIVED_AT_FIELD]: '1900-01-01' },
      },
      {
        source: 'csv_test',
        name: 'Zero',
        email: 'z@b.co',
        fields: { [SENT_RECEIVED_AT_FIELD]: '1969-12-31T23:59:59Z' },
      },
      {
        source: 'csv_test',
        name: 'Later',
        email: 'l@b.co',
        fields: { [SENT_RECEIVED_AT_FIELD]: '2027-01-01T00:00:00Z' },
      },
      { source: 'csv_test', name: 'Fine', email: 'f@b.co', receivedAt: '2026-05-31T08:00:00Z' },
    ]);
  });

  it('derives the Idempotency-Key from the row: the same row, the same key', () => {
    const a = planImport(parseCsv('name,email\nAnn,a@b.co\nBob,b@b.co\nAnn,a@b.co'), options);
    const [first, second, third] = a.rows.map((r) => r.idempotencyKey);
    expect(first).toMatch(/^csv-[0-9a-f]{64}$/);
    expect(first).not.toBe(second);
    expect(third).toBe(first);
    const again = planImport(parseCsv('name,email\r\nAnn,a@b.co\r\n'), options);
    expect(again.rows[0]?.idempotencyKey).toBe(first);
  });

  it('rejects ragged and malformed rows before sending, and counts empty ones', () => {
    const plan = planImport(parseCsv('name,email\nAnn,a@b.co\nshort\n\n,\n"bad"x,y\n'), options);
    expect(plan.rows).toHaveLength(1);
    expect(plan.empty).toBe(2);
    expect(plan.rejected).toEqual([
      { row: 3, line: 3, column: null, field: '', reason: 'has 1 cells; the header has 2' },
      {
        row: 6,
        line: 6,
        column: null,
        field: '',
        reason: 'malformed CSV: cell 1 has text after its closing quote',
      },
    ]);
    expect(plan.total).toBe(5);
  });

  it('drops columns mapped to "-" and refuses a --map column the file does not have', () => {
    const plan = planImport(parseCsv('name,email,secret\nAnn,a@b.co,x'), {
      ...options,
      map: parseMapFlag('secret=-'),
    });
    expect(plan.rows[0]?.body).not.toHaveProperty('fields');
    expect(() =>
      planImport(parseCsv('name\nAnn'), { ...options, map: parseMapFlag('mail=email') }),
    ).toThrow(UsageError);
    expect(() => parseMapFlag('mail=e-mail')).toThrow(/--map mail: must be a lead field/);
    expect(() => parseMapFlag('justacolumn')).toThrow(/not COLUMN=FIELD/);
  });
});
