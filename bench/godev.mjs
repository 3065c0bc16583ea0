// The intake bench's peer: Go's own collector, `telemetrygodev` from golang/telemetry (its
// godev module, which the Go module proxy does not serve), built from a checkout named by
// TT_GODEV_SRC and run with its file storage. Its main listens on every interface; the build
// overlays a copy of main.go that listens on 127.0.0.1 only (the checkout is never modified,
// and none of its code is kept here). `sync: true` builds a second binary whose file storage
// also syncs each report's file before the upload is answered (Go's own never syncs): the
// durability of our `--sync full`, so that each SQLite mode has a peer that promises as much
// (bench/README.md). Returns { skipped } with the reason when it cannot be had.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LISTEN = 'http.ListenAndServe(":"+cfg.ServerPort, handler)';
/** The file storage's writer (godev/internal/storage/storage.go), and what `sync` makes of it. */
const CREATE = 'return os.Create(o.filename)';
const SYNCED = `f, err := os.Create(o.filename)
	if err != nil {
		return nil, err
	}
	return syncOnClose{f}, nil`;
const SYNC_ON_CLOSE = `
// syncOnClose: the bench's durability-matched peer (bench/godev.mjs) syncs before it closes.
type syncOnClose struct{ *os.File }

func (f syncOnClose) Close() error {
	if err := f.Sync(); err != nil {
		f.File.Close()
		return err
	}
	return f.File.Close()
}
`;

/** { bin } built into test-output/godev/, or { skipped: why }. */
export function buildGodev({ sync = false } = {}, src = process.env.TT_GODEV_SRC) {
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
  const replace = { [main]: patched };
  if (sync) {
    const storage = join(src, 'godev', 'internal', 'storage', 'storage.go');
    const code = existsSync(storage) ? readFileSync(storage, 'utf8') : '';
    if (!code.includes(CREATE))
      return { skipped: `${storage} no longer creates files as this bench expects (${CREATE})` };
    replace[storage] = join(out, 'storage.go');
    writeFileSync(replace[storage], code.replace(CREATE, SYNCED) + SYNC_ON_CLOSE);
  }
  const overlay = join(out, sync ? 'overlay-sync.json' : 'overlay.json');
  writeFileSync(overlay, JSON.stringify({ Replace: replace }));
  const bin = join(out, sync ? 'telemetrygodev-sync' : 'telemetrygodev');
  const r = spawnSync('go', ['build', '-overlay', overlay, '-o', bin, './cmd/telemetrygodev'], {
    cwd: join(src, 'godev'),
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  });
  if (r.status !== 0)
    return {
      skipped: `go build failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    };
  return { bin };
}
