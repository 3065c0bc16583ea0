import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GO_FIXTURE,
  GO_PROGRAM,
  addFixture,
  buildCli,
  dirWithFixture,
  runCli,
  tempDir,
} from './helpers.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
});

const expected = JSON.parse(readFileSync('testdata/go/expected.json', 'utf8')) as {
  meta: Record<string, string>;
  countDecimal: Record<string, string>;
};

/** The bucket table follows the header; a head pointing far past the end is a broken chain. */
function breakChain(bytes: Buffer): void {
  const hdrLen = bytes.readUInt32LE(28);
  for (let b = 0; b < 512; b++) {
    const at = hdrLen + 4 + 4 * b;
    if (bytes.readUInt32LE(at) !== 0) return void bytes.writeUInt32LE(0x7fffff00, at);
  }
  throw new Error('no bucket in use');
}

describe('telemetry dump', () => {
  it('--json reads the Go-written file exactly as Go does, values above 2^53 included', () => {
    const dir = dirWithFixture();
    const r = runCli(cli, ['dump', '--json'], { dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('"gen/saturated": 18446744073709551615');
    // Parse with every number kept as its source text, then compare with Go's decimals.
    const exact = JSON.parse(r.stdout.replace(/: (\d+)(,?)$/gm, ': "$1"$2'));
    expect(exact).toHaveLength(1);
    expect(exact[0].file).toBe(
      join(dir, 'local', 'gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count'),
    );
    expect(exact[0].meta).toEqual(expected.meta);
    expect(exact[0].counts).toEqual(expected.countDecimal);
    expect(Object.keys(exact[0].counts)).toHaveLength(611);
  });

  it('named files are read wherever they are', () => {
    const r = runCli(cli, ['dump', '--json', GO_FIXTURE], { dir: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`"file": ${JSON.stringify(GO_FIXTURE)}`);
  });

  it('prints a header with the metadata and a sorted counter table, stacks as indented frames', () => {
    const r = runCli(cli, ['dump'], { dir: dirWithFixture() });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/gen@devel-go1\.23\.5-linux-amd64-2026-11-22\.v1\.count$/);
    expect(r.stdout).toMatch(new RegExp(`^  Program +${GO_PROGRAM.replaceAll('.', '\\.')}$`, 'm'));
    expect(r.stdout).toMatch(/^  GoVersion +go1\.23\.5$/m);
    expect(r.stdout).toMatch(/^  gen\/saturated +18446744073709551615$/m);
    const stackAt = lines.findIndex((line) => /^  gen\/stack +3$/.test(line));
    expect(lines.slice(stackAt + 1, stackAt + 5)).toEqual([
      '      main.siteA:+0,+0x19',
      '      main.main:+97,+0xb99',
      '      runtime.main:+125,+0x28a',
      '      runtime.goexit:+0,+0x0',
    ]);
    const names = lines
      .filter((line) => /^  gen\//.test(line))
      .map((line) => line.trim().split(/ +/)[0]!);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('with no count files says so', () => {
    const dir = tempDir();
    const r = runCli(cli, ['dump'], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`no count files in ${join(dir, 'local')}\n`);
    expect(runCli(cli, ['dump', '--json'], { dir }).stdout).toBe('[]\n');
  });

  describe('malformed files: each named with its reason on stderr, the others still listed, exit 1', () => {
    const cases: [string, (bytes: Buffer) => Buffer, string][] = [
      ['truncated to 100 bytes', (bytes) => bytes.subarray(0, 100), 'file too short (100<16384)'],
      [
        'wrong header',
        (bytes) => (bytes.write('X', 0), bytes),
        'not a count file (it does not start with the v1 header)',
      ],
      [
        'corrupted chain pointer',
        (bytes) => (breakChain(bytes), bytes),
        'corrupt counter file: record offset 2147483392 out of range',
      ],
    ];
    it.each(cases)('%s', (_, damage, reason) => {
      const dir = dirWithFixture();
      const bad = addFixture(dir, 'bad.v1.count');
      writeFileSync(bad, damage(readFileSync(bad)));
      for (const args of [['dump'], ['dump', '--json']]) {
        const r = runCli(cli, args, { dir });
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `error: ${bad}: ${reason}\nerror: 1 of 2 count files could not be read\n`,
        );
        expect(r.stdout).toContain('gen@devel-go1.23.5-linux-amd64-2026-11-22.v1.count');
        expect(r.stdout).not.toContain('bad.v1.count');
      }
      // --json stays one valid array even when a file failed.
      const r = runCli(cli, ['dump', '--json'], { dir });
      expect(JSON.parse(r.stdout.replace(/: (\d+)(,?)$/gm, ': "$1"$2'))).toHaveLength(1);
    });

    it('a named file that does not exist', () => {
      const missing = join(tempDir(), 'nope.v1.count');
      const r = runCli(cli, ['dump', missing, GO_FIXTURE], { dir: tempDir() });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error: ${missing}: no such file\n`);
      expect(r.stdout).toContain(GO_FIXTURE);
    });
  });
});
