// What the strings of a collection config mean: counter names with Go's group form
// `chart:{b1,b2,…}` (as Go expands them) under our naming rules (counter/index.ts, enforced here
// although Go only documents them), and version entries (exact as in Go, or semver ranges).
import semver from 'semver';
import { UNPRINTABLE } from '../safeio/index.js';

/** A counter name must fit a count file's name slot (docs/count-file.md): at most 4096 bytes. */
export const MAX_NAME_BYTES = 4096;
/** semver's own MAX_LENGTH: longer version strings are not versions. */
export const MAX_TOKEN_BYTES = 256;

/**
 * Go's expansion exactly (Go's Expand), kept for comparison and for reading Go configs: split at
 * the first `{`; without one the name stands alone; otherwise strip one trailing `}` (if any),
 * split the rest on `,`, and join the prefix to each piece. Pieces are not trimmed, so
 * `a:{x, y}` gives `a: y` with a space, and `a:{}` gives the single name `a:`.
 */
export function goExpand(name: string): string[] {
  const open = name.indexOf('{');
  if (open < 0) return [name];
  const prefix = name.slice(0, open);
  let rest = name.slice(open + 1);
  if (rest.endsWith('}')) rest = rest.slice(0, -1);
  return rest.split(',').map((piece) => prefix + piece);
}

/** Why a counter name breaks our rules, or null when it is fine. Stack frames are not names. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'empty name';
  const ws = /\s/u.exec(name);
  if (ws)
    return ws[0] === '\n'
      ? 'contains a newline (reserved for stack counters)'
      : 'contains whitespace';
  if (name.indexOf(':') !== name.lastIndexOf(':')) return 'has more than one ":"';
  if (/[{}]/.test(name)) return 'contains "{" or "}" outside a group';
  if (!(name as unknown as { isWellFormed(): boolean }).isWellFormed())
    return 'is not valid unicode (a lone surrogate)';
  // Control and format characters print as nothing; a name someone must review may not hide them.
  if (UNPRINTABLE.test(name)) return 'contains an unprintable character';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `is ${bytes} bytes long (at most ${MAX_NAME_BYTES})`;
  return null;
}

export type Expansion = { names: string[] } | { reason: string };

/**
 * Our stricter expansion of a config counter Name. It gives the same names as goExpand for
 * every input it accepts, and refuses what Go would turn into a name our counters cannot have
 * or that is almost surely a typo:
 * - a group must be the whole tail, written `chart:{…}` (the `{` right after the one `:`), and
 *   end with its `}`; Go would silently keep a missing `}` or text after it inside a piece;
 * - no nested or second braces (Go would keep them in a piece);
 * - no empty piece (`a:{}`, `a:{x,}`: Go makes the bucketless name `a:`) and no whitespace in a
 *   piece (Go's `a:{x, y}` makes `a: y`, a name our counters refuse);
 * - every expanded name must pass nameProblem (one `:`, no whitespace, ≤ 4096 bytes).
 * Duplicates inside a group are left to the caller, which checks them across the program;
 * `maxNames` caps the pieces before any name is built.
 */
export function expandCounter(name: string, maxNames = Infinity): Expansion {
  const open = name.indexOf('{');
  if (open < 0) {
    const p = nameProblem(name);
    return p ? { reason: `counter name ${p}` } : { names: [name] };
  }
  const prefix = name.slice(0, open);
  if (!prefix.endsWith(':')) return { reason: 'a group must follow the ":" (write chart:{a,b})' };
  if (!name.endsWith('}')) return { reason: 'group has no closing "}" at the end' };
  const inner = name.slice(open + 1, -1);
  if (/[{}]/.test(inner)) return { reason: 'group holds a nested or second "{" or "}"' };
  const pre = nameProblem(prefix);
  if (pre) return { reason: `group prefix ${pre}` };
  const names: string[] = [];
  const pieces = inner.split(',');
  if (pieces.length > maxNames)
    return { reason: `group has ${pieces.length} pieces (at most ${maxNames})` };
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece === '') return { reason: `group piece ${i} is empty` };
    if (/\s/u.test(piece))
      return { reason: `group piece ${i} ${JSON.stringify(piece)} contains whitespace` };
    const full = prefix + piece;
    const p = nameProblem(full);
    if (p) return { reason: `expanded name ${JSON.stringify(full)} ${p}` };
    names.push(full);
  }
  return { names };
}

/**
 * The chart of a counter name (`chart:bucket`): the text before its `:`. A name without `:` is a
 * chart of its own, so it is returned whole; a stack counter's frames are ignored.
 */
export function chartOf(counter: string): string {
  const nl = counter.indexOf('\n');
  const name = nl < 0 ? counter : counter.slice(0, nl);
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/** A version entry: an exact string (Go's only form) or a semver range (ours, for Node tools). */
export type VersionSpec = { exact: string } | { range: string };

/**
 * Classifies a program version entry. A valid semver version is exact (string equality, as in
 * Go: "v1.2.3" and "1.2.3" differ). Text with range syntax (< > = ^ ~ | * or a space) must be a
 * valid semver range. A partial version ("1", "1.2", "1.x") is an X-range, as in npm. Anything
 * else ("go1.23.4", "go1.9.2rc2") is an opaque exact string, as every entry is in Go.
 */
export function classifyVersion(version: string): VersionSpec | { reason: string } {
  if (version === '') return { reason: 'empty version' };
  if (Buffer.byteLength(version) > MAX_TOKEN_BYTES)
    return { reason: `version is longer than ${MAX_TOKEN_BYTES} bytes` };
  if (UNPRINTABLE.test(version)) return { reason: 'version contains an unprintable character' };
  if (version.trim() !== version) return { reason: 'version has leading or trailing whitespace' };
  if (/[<>=^~|*\s]/.test(version))
    return semver.validRange(version)
      ? { range: version }
      : { reason: `invalid semver range ${JSON.stringify(version)}` };
  if (semver.valid(version)) return { exact: version };
  return semver.validRange(version) ? { range: version } : { exact: version };
}

/**
 * Classifies a GoVersion (runtime) entry. Node runtimes are written `node<version>` (from
 * process.versions.node: "node20.20.2"); after "node" the rest is read as a program version, so
 * "node>=20 <25" and "node22" (all 22.x) are ranges. Other entries ("go1.23.4") are exact.
 */
export function classifyRuntime(runtime: string): VersionSpec | { reason: string } {
  if (runtime === 'node')
    return { reason: 'runtime "node" names no version (write node22 or node>=20)' };
  if (runtime.startsWith('node')) {
    const spec = classifyVersion(runtime.slice(4));
    return 'exact' in spec ? { exact: runtime } : spec;
  }
  const p = tokenProblem(runtime, MAX_TOKEN_BYTES);
  return p ? { reason: `runtime ${p}` } : { exact: runtime };
}

/** Why a plain token (os, arch, program name, opaque version) is unfit, or null. */
export function tokenProblem(token: string, max: number): string | null {
  if (token === '') return 'is empty';
  if (/\s/u.test(token)) return 'contains whitespace';
  if (UNPRINTABLE.test(token) || !(token as unknown as { isWellFormed(): boolean }).isWellFormed())
    return 'contains an unprintable character';
  return Buffer.byteLength(token) > max ? `is longer than ${max} bytes` : null;
}
