// Whether a published config allows a checked report (intake.ts): per config version, its
// SampleRate, each program's build (program, version, runtime, OS, arch: remembered per version,
// since a server sees few), counters and stacks (how many, each one's prefix, rate and shape).
// The first refusal of the newest version is the one a client is told.
import type { ConfigQuery } from '../../config/index.js';
import type { ConfigVersion } from './configs.js';
import type { JsonValue } from './strict-json.js';
import { stackProblem } from './stacks.js';

export interface Refusal {
  code: string;
  field: string;
  reason: string;
}
export interface Program {
  at: number;
  program: string;
  version: string;
  runtime: string;
  os: string;
  arch: string;
  counters: Map<string, JsonValue>;
  stacks: Map<string, JsonValue>;
}

/** RFC 6901: `~` and `/` escaped. */
export const pointer = (...parts: Array<string | number>): string =>
  parts.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Nothing if one published version allows all of the report; else the newest version's refusal. */
export function allowed(
  programs: Program[],
  x: number,
  versions: readonly ConfigVersion[],
): Refusal | undefined {
  if (versions.length === 0)
    return { code: 'not-allowed', field: '', reason: 'this server has published no config' };
  let first: Refusal | undefined;
  for (let i = versions.length - 1; i >= 0; i--) {
    const refusal = refusalBy(versions[i]!.query, programs, x);
    if (!refusal) return undefined;
    first ??= refusal;
  }
  return {
    ...first!,
    reason: `${first!.reason} (in every one of the ${versions.length} published config versions)`,
  };
}

/** Per config version: the verdict on each build (program, version, runtime, OS, arch) seen. */
const builds = new WeakMap<ConfigQuery, Map<string, Refusal | null>>();

function buildRefusal(query: ConfigQuery, program: Program): Refusal | null {
  let memo = builds.get(query);
  if (!memo) builds.set(query, (memo = new Map()));
  const key = `${program.at}\n${program.program}\n${program.version}\n${program.runtime}\n${program.os}\n${program.arch}`;
  let verdict = memo.get(key);
  if (verdict !== undefined) return verdict;
  const no = (field: string, reason: string): Refusal => ({
    code: 'not-allowed',
    field: pointer('Programs', program.at, field),
    reason,
  });
  if (!query.allowsProgram(program.program))
    verdict = no('Program', `${JSON.stringify(program.program)} is not a program the config lists`);
  else if (!query.allowsVersion(program.program, program.version))
    verdict = no(
      'Version',
      `${JSON.stringify(program.version)} is not a version the config lists for ${program.program}`,
    );
  else if (!query.allowsRuntime(program.runtime))
    verdict = no(
      'GoVersion',
      `${JSON.stringify(program.runtime)} is not a runtime the config lists`,
    );
  else if (!query.allowsOS(program.os))
    verdict = no('GOOS', `${JSON.stringify(program.os)} is not an OS the config lists`);
  else if (!query.allowsArch(program.arch))
    verdict = no(
      'GOARCH',
      `${JSON.stringify(program.arch)} is not an architecture the config lists`,
    );
  else verdict = null;
  if (memo.size > 10_000) memo.clear();
  memo.set(key, verdict);
  return verdict;
}

function refusalBy(query: ConfigQuery, programs: Program[], x: number): Refusal | undefined {
  const no = (field: string, reason: string): Refusal => ({ code: 'not-allowed', field, reason });
  if (!query.keepsReport(x))
    return no('/X', `is above the config's SampleRate ${query.sampleRate}`);
  for (const program of programs) {
    const build = buildRefusal(query, program);
    if (build) return build;
    const at = (key: string, name: string): string => pointer('Programs', program.at, key, name);
    for (const counter of program.counters.keys()) {
      const rate = query.counterRate(program.program, counter);
      if (rate === null) return no(at('Counters', counter), 'is not a counter the config lists');
      if (x > rate)
        return no(at('Counters', counter), `is sampled at rate ${rate}, below this report's X`);
    }
    const stacks = stacksRefusal(query, program, x);
    if (stacks) return stacks;
  }
  return undefined;
}

/** A program's stacks: how many (the config's MaxStacks), each one's prefix, rate and shape. */
function stacksRefusal(query: ConfigQuery, program: Program, x: number): Refusal | undefined {
  const at = (name: string): string => pointer('Programs', program.at, 'Stacks', name);
  const most = query.maxStacks(program.program);
  if (program.stacks.size > most) {
    const reason =
      `holds ${program.stacks.size} stack names; the config allows at most ${most} per program` +
      ' in one report (MaxStacks)';
    return { code: 'too-many-stacks', field: pointer('Programs', program.at, 'Stacks'), reason };
  }
  const fromGo = !program.runtime.startsWith('node');
  for (const name of program.stacks.keys()) {
    const rule = query.stackRate(program.program, name);
    const no = (reason: string): Refusal => ({ code: 'not-allowed', field: at(name), reason });
    if (rule === null) return no('has a prefix that is not a stack the config lists');
    if (x > rule.rate) return no(`is sampled at rate ${rule.rate}, below this report's X`);
    const bad = stackProblem(name, { depth: rule.depth, fromGo });
    if (bad) return { code: 'bad-stack', field: at(name), reason: bad };
  }
  return undefined;
}
