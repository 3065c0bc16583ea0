// How much of each kind of file the toolkit reads at most (docs/settings.md).
/** Limits per kind of file (docs/settings.md): each far above any real file of that kind. */
export const CAPS = {
  /** `mode`, `local/weekends`: one word or one digit. */
  word: 4 * 1024,
  /** `program-modes.json`, `notices.json`: a few dozen bytes per program. */
  json: 1024 * 1024,
  /** `package.json`: the largest published ones are a few hundred KiB. */
  pkg: 4 * 1024 * 1024,
} as const;
