// The intake bench's peer: Go's own collector, `telemetrygodev` from golang/telemetry (its
// godev module, which the Go module proxy does not serve), built from a checkout named by
// TT_GODEV_SRC and run with its file storage. Its main listens on every interface; the build
// overlays a copy of main.go that listens on 127.0.0.1 only (the checkout is never modified,
// and none of its code is kept here). Returns null, with the reason, when it cannot be had.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LISTEN = 'http.ListenAndServe(":"+cfg.ServerPort, handler)';

/** { bin } built into test-output/godev/, or { skipped: why }. */
export function buildGodev(src = process.env.TT_GODEV_SRC) {
  if (!src) return { skipped: 'set TT_GODEV_SRC to a golang/telemetry checkout' };
  const main = join(src, 'godev', 'cmd', 'telemetrygodev', 'main.go');
  if (!existsSync(main)) return { skipped: `${main} does not exist` };
  const text = readFileSync(main, 'utf8');
  if (!text.includes(LISTEN))
    return { skipped: `${main} no longer listens as this bench expects (${LISTEN})` };
  const out = join(ROOT, 'test-output', 'godev');
  mkdirSync(out, { recursive: true });
  const patched = join(out, 'main.go');
  writeFileSync(
    patched,
    text.replace(LISTEN, 'http.ListenAndServe("127.0.0.1:"+cfg.ServerPort, handler)'),
  );
  writeFileSync(join(out, 'overlay.json'), JSON.stringify({ Replace: { [main]: patched } }));
  const bin = join(out, 'telemetrygodev');
  const r = spawnSync(
    'go',
    ['build', '-overlay', join(out, 'overlay.json'), '-o', bin, './cmd/telemetrygodev'],
    {
      cwd: join(src, 'godev'),
      encoding: 'utf8',
      timeout: 900_000,
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    },
  );
  if (r.status !== 0)
    return {
      skipped: `go build failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    };
  return { bin };
}
