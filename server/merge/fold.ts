// The bound on distinct labels a week may hold, applied as the merge reads each report. Intake
// already admits only versions and stack shapes the config allows, but a range (">=1.0.0 <2")
// and the frames after a stack's prefix still leave room for many distinct labels; each one
// would be a row kept, merged and published. So per program and calendar week the first
// MAX_VERSIONS_PER_WEEK versions and MAX_STACKS_PER_WEEK stack names are kept as they are,
// and every later new one is counted under OTHER (`other` as the version; `<prefix>\nother`
// for a stack), which the pages explain. Derived at merge, from the week's kept sums, rather
// than held at intake: the state is the week's cells, which survive restarts already, and a
// replica-wide count at intake would need a shared counter per report.
import type { WeekCells } from './cell.js';
import type { MergeEntry } from './report.js';
import { type Count, addCount } from './sum.js';

export const MAX_VERSIONS_PER_WEEK = 100;
export const MAX_STACKS_PER_WEEK = 1000;
export const OTHER = 'other';

/** The labels one week holds so far, per program; `fold` rewrites an entry past the bounds. */
export class WeekLabels {
  private readonly versions = new Map<string, Set<string>>();
  private readonly stacks = new Map<string, Set<string>>();

  constructor(kept: WeekCells) {
    for (const cell of kept.values()) {
      setOf(this.versions, cell.program).add(cell.version);
      const names = setOf(this.stacks, cell.program);
      for (const name of cell.stacks.keys()) names.add(name);
    }
  }

  /** Rewrites the entry's version and stack names in place when they are new past a bound. */
  fold(entry: MergeEntry): void {
    const versions = setOf(this.versions, entry.program);
    if (!versions.has(entry.version)) {
      if (versions.size >= MAX_VERSIONS_PER_WEEK) entry.version = OTHER;
      versions.add(entry.version);
    }
    const names = setOf(this.stacks, entry.program);
    let folded: Record<string, Count> | null = null;
    for (const name in entry.stacks) {
      if (names.has(name)) continue;
      if (names.size < MAX_STACKS_PER_WEEK) {
        names.add(name);
        continue;
      }
      folded ??= { ...entry.stacks };
      const other = otherStack(name);
      const count = folded[name]!;
      delete folded[name];
      folded[other] = other in folded ? addCount(folded[other]!, count) : count;
      names.add(other);
    }
    if (folded) entry.stacks = folded;
  }
}

/** `<prefix>\nother`: the prefix is one the config lists, so these stay as few as its stacks. */
export function otherStack(name: string): string {
  const newline = name.indexOf('\n');
  return `${newline < 0 ? name : name.slice(0, newline)}\n${OTHER}`;
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
