// The collection config's query API (config/query.ts) on Go's real published config
// (golang.org/x/telemetry/config), fetched with `go mod download` and carried over as is.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyVersion, goExpand } from '../../config/expand.js';
import { buildQuery } from '../../config/query.js';
import { parseConfig } from '../../config/schema.js';
import { GO_MISSING, goCommandEnv, skipGo } from '../go-interop/go.js';
import { tempDir } from '../helpers.js';

/** A tag of golang.org/x/telemetry/config, pinned so that the test means the same tomorrow. */
const PINNED = 'v0.115.0';

/** Go's published config via `go mod download`, in Go's module cache (cached between runs). */
function downloadGoConfig(): { version: string; text: string } {
  const errors: string[] = [];
  for (const v of [PINNED]) {
    const r = spawnSync('go', ['mod', 'download', '-json', `golang.org/x/telemetry/config@${v}`], {
      cwd: tempDir('tt-go-config-'),
      env: goCommandEnv(),
      encoding: 'utf8',
      timeout: 300_000,
    });
    let out: { Dir?: string; Version?: string; Error?: string } = {};
    try {
      out = JSON.parse(r.stdout);
    } catch {
      out = { Error: r.stderr || r.error?.message || `exit ${r.status}` };
    }
    if (r.status === 0 && out.Dir)
      return { version: out.Version!, text: readFileSync(join(out.Dir, 'config.json'), 'utf8') };
    errors.push(`@${v}: ${out.Error}`);
  }
  throw new Error(`go mod download golang.org/x/telemetry/config failed: ${errors.join('; ')}`);
}

describe("Go's published config, carried over", () => {
  it.skipIf(skipGo)(
    `parses strictly and answers like Go (${skipGo ? `skipped: ${GO_MISSING}` : 'go mod download'})`,
    () => {
      const { version, text } = downloadGoConfig();
      console.log(`golang.org/x/telemetry/config ${version}`);
      const raw = JSON.parse(text) as {
        GoVersion: string[];
        Programs: Array<{
          Name: string;
          Versions: string[];
          Counters?: Array<{ Name: string; Rate: number }>;
          Stacks?: Array<{ Name: string; Rate: number; Depth?: number }>;
        }>;
      };
      const config = parseConfig(text);
      const q = buildQuery(config);

      // Known entries of Go's config.
      expect(q.allowsProgram('cmd/go')).toBe(true);
      expect(q.counterRate('cmd/go', 'go/invocations')).toBe(1);
      expect(q.counterRate('cmd/go', 'go/vcs:git')).toBe(1);
      expect(q.counterRate('cmd/go', 'go/vcs:cvs')).toBeNull();
      expect(q.hasChart('cmd/go', 'go/platform/target/port')).toBe(true);
      expect(
        q.stackRate(
          'golang.org/x/tools/gopls',
          'gopls/bug\ngolang.org/x/tools/gopls/internal/bug.report:+35',
        ),
      ).toEqual({ rate: 1, depth: 16 });
      expect(q.stackRate('cmd/go', 'gopls/bug')).toBeNull();
      expect([
        q.allowsOS('linux'),
        q.allowsOS('win32'),
        q.allowsArch('amd64'),
        q.allowsArch('x64'),
      ]).toEqual([true, false, true, false]);
      expect([
        q.allowsRuntime('go1.23.4'),
        q.allowsRuntime('devel'),
        q.allowsVersion('cmd/go', 'devel'),
      ]).toEqual([true, false, false]);

      // Every answer as Go gives it: exact versions, Go's own expansion of each counter.
      for (const r of raw.GoVersion) expect(q.allowsRuntime(r)).toBe(true);
      for (const p of raw.Programs) {
        for (const v of p.Versions) {
          expect(classifyVersion(v)).toEqual({ exact: v }); // Go's versions stay exact strings here
          expect(q.allowsVersion(p.Name, v)).toBe(true);
        }
        const expanded = (p.Counters ?? []).flatMap((child) =>
          goExpand(child.Name).map((name) => [name, child.Rate] as const),
        );
        expect(q.counterNames(p.Name)).toEqual(expanded.map(([name]) => name));
        for (const [n, rate] of expanded) expect(q.counterRate(p.Name, n)).toBe(rate);
        for (const s of p.Stacks ?? [])
          expect(q.stackRate(p.Name, `${s.Name}\nframe`)).toEqual({
            rate: s.Rate,
            depth: s.Depth ?? 0,
          });
      }
    },
  );
});
