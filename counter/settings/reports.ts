// Report files in the telemetry directory. Reports are `local/<date>.json` (waiting to be
// sent), `local/local.<date>.json` (kept on this machine only) and `upload/<date>.json` (sent).
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Layout } from './dir.js';

export interface Reports {
  pending: string[];
  localOnly: string[];
  uploaded: string[];
}

export function listReports(dirs: Layout): Reports {
  const local = jsonFiles(dirs.localDir);
  return {
    pending: local.filter((f) => !basename(f).startsWith('local.')),
    localOnly: local.filter((f) => basename(f).startsWith('local.')),
    uploaded: jsonFiles(dirs.uploadDir),
  };
}

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.json')).sort().map((n) => join(dir, n));
}
