import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GO_PROGRAM,
  addFixture,
  buildCli,
  dirWithFixture,
  replaceMeta,
  runCli,
  write,
} from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

/** A small RFC 4180 reader, to check the output parses back into the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

describe('telemetry csv', () => {
  it('has a header and one row per counter of each (program, version, week); week is the TimeEnd date', () => {
    const r = runCli(cli, ['csv'], { dir: dirWithFixture() });
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['program', 'version', 'week', 'counter', 'count']);
    expect(rows).toHaveLength(612);
    expect(rows).toContainEqual([
      GO_PROGRAM,
      'devel',
      '2026-11-26',
      'gen/saturated',
      '18446744073709551615',
    ]);
    expect(rows).toContainEqual([
      GO_PROGRAM,
      'devel',
      '2026-11-26',
      'gen/stack\nmain.siteA:+0,+0x19\nmain.main:+97,+0xb99\nruntime.main:+125,+0x28a\nruntime.goexit:+0,+0x0',
      '3',
    ]);
  });

  it('quotes fields holding commas, quotes and line breaks', () => {
    const dir = dirWithFixture((bytes) =>
      replaceMeta(bytes, GO_PROGRAM, 'x,"quoted" name, with commas!!!!!'),
    );
    const r = runCli(cli, ['csv'], { dir });
    expect(r.stdout).toContain(
      '"x,""quoted"" name, with commas!!!!!",devel,2026-11-26,gen/added,41\n',
    );
    expect(r.stdout).toContain(
      '"gen/stack\nmain.siteA:+0,+0x19\nmain.main:+97,+0xb99\nruntime.main:+125,+0x28a\nruntime.goexit:+0,+0x0",3\n',
    );
    expect(parseCsv(r.stdout)[1]![0]).toBe('x,"quoted" name, with commas!!!!!');
  });

  it('sums files of the same program, version and week, and keeps other weeks and versions apart', () => {
    const dir = dirWithFixture();
    addFixture(dir, 'gen@devel-go1.23.5-darwin-arm64-2026-11-22.v1.count');
    addFixture(dir, 'older.v1.count', (bytes) =>
      replaceMeta(bytes, 'TimeEnd: 2026-11-26', 'TimeEnd: 2026-11-19'),
    );
    addFixture(dir, 'v2.v1.count', (bytes) =>
      replaceMeta(bytes, 'Version: devel', 'Version: 2.0.0'),
    );
    const rows = parseCsv(runCli(cli, ['csv'], { dir }).stdout);
    const added = rows.filter((row) => row[3] === 'gen/added').map((row) => row.join(' '));
    expect(added).toEqual([
      `${GO_PROGRAM} 2.0.0 2026-11-26 gen/added 41`,
      `${GO_PROGRAM} devel 2026-11-19 gen/added 41`,
      `${GO_PROGRAM} devel 2026-11-26 gen/added 82`,
    ]);
    // Sums stay exact past 2^64 too, where a Number would have lost them long before.
    expect(rows).toContainEqual([
      GO_PROGRAM,
      'devel',
      '2026-11-26',
      'gen/saturated',
      '36893488147419103230',
    ]);
  });

  it('--wide gives one row per (program, version, week) and one column per counter', () => {
    const dir = dirWithFixture();
    addFixture(dir, 'older.v1.count', (bytes) =>
      replaceMeta(bytes, 'TimeEnd: 2026-11-26', 'TimeEnd: 2026-11-19'),
    );
    const rows = parseCsv(runCli(cli, ['csv', '--wide'], { dir }).stdout);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.slice(0, 4)).toEqual(['program', 'version', 'week', 'gen/added']);
    expect(rows[0]).toHaveLength(3 + 611);
    expect(rows.slice(1).map((row) => row.slice(0, 4))).toEqual([
      [GO_PROGRAM, 'devel', '2026-11-19', '41'],
      [GO_PROGRAM, 'devel', '2026-11-26', '41'],
    ]);
  });

  it('a malformed file is reported on stderr, the others are still summed, exit 1', () => {
    const dir = dirWithFixture();
    write(join(dir, 'local', 'bad.v1.count'), 'short');
    const r = runCli(cli, ['csv'], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${join(dir, 'local', 'bad.v1.count')}: not a count file (it does not start with the v1 header)\nerror: 1 of 2 count files could not be read\n`,
    );
    expect(parseCsv(r.stdout)).toHaveLength(612);
  });
});
