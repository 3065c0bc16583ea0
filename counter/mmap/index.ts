// Memory mapping behind one small interface (Go's internal/mmap): a backend maps a file shared
// and writable and hands back typed views. Backends, tried in order: the toolkit's own addon
// (addon.ts), then koffi (koffi.ts); on Windows win32 (win32.ts, docs/windows.md); mmap-io
// (mmap-io.ts) only when forced. `reserve` allocates a file's blocks before anything maps them
// (reserve.ts). docs/native-addon.md, docs/count-file.md.
export { type Backend, type BackendName, type Region, region } from './region.js';
export { ENV_BACKEND, backend, backendErrors } from './select.js';
export { RESERVES, ReserveError, reserve } from './reserve.js';
export { addonTargets, prebuildsDir } from './addon.js';
export { openWin32 } from './win32.js';
export { processStartWin32 } from './win32-process.js';
