// Memory mapping behind one small interface (Go's internal/mmap): a backend maps a file shared
// and writable and hands back typed views. Two native backends, tried in order: mmap-io
// (mmap-io.ts) and koffi (koffi.ts); on Windows one, win32 (win32.ts, docs/windows.md).
// `reserve` allocates a file's blocks before anything maps them (reserve.ts). DESIGN.md §4, §7.
export { type Backend, type BackendName, type Region, region } from './region.js';
export { ENV_BACKEND, backend, backendErrors } from './select.js';
export { RESERVES, ReserveError, reserve } from './reserve.js';
export { openWin32 } from './win32.js';
export { processStartWin32 } from './win32-process.js';
