// Who is counting: the host tool's name and version, and the names derived from them.
import { realpathSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isUnreadable, readText } from '../../safeio/index.js';
import { CAPS } from './caps.js';

export interface Program {
  name: string;
  version: string;
}

/** The package that owns the main script: the nearest package.json with a name. */
export function hostProgram(mainScript: string | undefined = process.argv[1]): Program {
  if (!mainScript) return { name: 'node', version: '' };
  let dir: string;
  try {
    dir = dirname(realpathSync(mainScript));
  } catch {
    dir = dirname(mainScript);
  }
  const pkg = findPackage(dir);
  if (pkg) return { name: pkg.name, version: pkg.version };
  return { name: basename(mainScript, extname(mainScript)) || 'node', version: '' };
}

export interface PackageInfo {
  root: string;
  name: string;
  version: string;
}

export function findPackage(start: string): PackageInfo | null {
  for (let dir = start; ; ) {
    const pkg = namedPackage(dir);
    if (pkg) return pkg;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * The package.json in `dir` if it names a package. One that is malformed, or cannot be read
 * safely (a FIFO, a device, too large, no permission), is walked past like an absent one.
 */
function namedPackage(dir: string): PackageInfo | null {
  const text = readText(join(dir, 'package.json'), CAPS.pkg);
  if (isUnreadable(text)) return null;
  try {
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
    if (typeof pkg.name === 'string' && pkg.name)
      return {
        root: dir,
        name: pkg.name,
        version: typeof pkg.version === 'string' ? pkg.version : '',
      };
  } catch {
    // Not JSON: not a package we can name.
  }
  return null;
}

/**
 * The per-tool opt-out variable: the name without its npm scope, upper-cased, every run of
 * characters other than A–Z and 0–9 turned into `_`, leading and trailing `_` dropped, and
 * one `_` put back in front of a leading digit.
 * `@acme/my-cli` → `MY_CLI_TELEMETRY_DISABLED`. Null when nothing is left (e.g. `日本`).
 */
export function toolEnvVar(program: string): string | null {
  const bare =
    program.startsWith('@') && program.includes('/')
      ? program.slice(program.indexOf('/') + 1)
      : program;
  const stem =
    asciiStem(bare) ??
    bare
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  if (!stem) return null;
  // A shell cannot assign a variable whose name starts with a digit (`7ZIP_…=1 tool`).
  const digit = stem.charCodeAt(0) >= 48 && stem.charCodeAt(0) <= 57;
  return digit ? `_${stem}_TELEMETRY_DISABLED` : `${stem}_TELEMETRY_DISABLED`;
}

/**
 * The same stem for an all-ASCII name, by one loop: every start runs this twice (the entry's
 * opt-out check, the engine's decision), and the two regular expressions cost ~0.06 ms each
 * time on first use. Null for any other name, whose upper case may hold A–Z (`ß` → `SS`):
 * the expressions decide those.
 */
function asciiStem(name: string): string | null {
  let stem = '';
  let gap = false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code > 0x7f) return null;
    const upper = code >= 97 && code <= 122 ? code - 32 : code;
    if ((upper >= 65 && upper <= 90) || (upper >= 48 && upper <= 57)) {
      if (gap && stem !== '') stem += '_';
      gap = false;
      stem += String.fromCharCode(upper);
    } else gap = true;
  }
  return stem;
}

/** The runtime tag used where Go writes its Go version, e.g. `node20.20.2`. */
export function runtimeTag(): string {
  return `node${process.versions.node}`;
}
