// What cannot harm the host, shared by every room: file access that never blocks, never
// follows into devices and never takes more than a cap; directory creation bounded by the
// path's length; whole-file writes by rename (docs/settings.md); and the checks every room applies
// to what comes from outside: the collector-URL rule, and text made printable for a terminal.
export {
  type Unreadable,
  isUnreadable,
  readBytes,
  readText,
  refusal,
  unreadableText,
} from './read.js';
export { makeDir } from './make-dir.js';
export { writeAtomic } from './write.js';
export { type UrlProblem, checkCollectorUrl, isLoopbackHost } from './collector-url.js';
export { UNPRINTABLE, printableLine } from './printable.js';
