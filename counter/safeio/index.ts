// File access that cannot harm the host, shared by every room that touches the disk: reads
// that never block, never follow into devices and never take more than a cap; directory
// creation bounded by the path's length; whole-file writes by rename. DESIGN.md §2.
export { type Unreadable, isUnreadable, readBytes, readText, refusal, unreadableText } from './read.js';
export { makeDir } from './make-dir.js';
export { writeAtomic } from './write.js';
