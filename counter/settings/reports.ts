// Report files in the directory (docs/settings.md, docs/upload.md): `local/local.<week>.json` (everything,
// kept on this machine only), and per collector `upload/<cid>/<week>.json` (the exact bytes
// waiting to be sent) and `upload/<cid>/sent/<week>.json` (a copy of what was sent). The
// uploader (upload/) owns these files; this lists them for the CLI without importing it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from './dir.js';

export interface Reports {
  pending: string[];
  localOnly: string[];
  uploaded: string[];
}

const WEEK_JSON = /^\d{4}-\d\d-\d\d\.json$/;
const CID = /^[0-9a-f]{16}$/;

export function listReports(dirs: Layout): Reports {
  const collectors = names(dirs.uploadDir)
    .filter((name) => CID.test(name))
    .map((name) => join(dirs.uploadDir, name));
  return {
    pending: collectors.flatMap((dir) => weekFiles(dir)),
    localOnly: names(dirs.localDir)
      .filter((name) => name.startsWith('local.') && WEEK_JSON.test(name.slice(6)))
      .map((name) => join(dirs.localDir, name)),
    uploaded: collectors.flatMap((dir) => weekFiles(join(dir, 'sent'))),
  };
}

function weekFiles(dir: string): string[] {
  return names(dir)
    .filter((name) => WEEK_JSON.test(name))
    .map((name) => join(dir, name));
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}
