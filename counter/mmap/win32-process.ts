// A Windows process's start time, for the upload lock's check that a pid still names the
// process that took the lock (upload/lock.ts; on Linux it reads /proc/<pid>/stat). Windows
// hands pids out again soon after a process ends, so the pid alone would keep a dead holder's
// lock until it ages out. GetProcessTimes gives the creation time (100 ns units since 1601).
import { loadKoffi } from './koffi.js';

type Call = (...args: unknown[]) => unknown;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

let calls: { open: Call; times: Call; close: Call } | null | undefined;

function declare(): typeof calls {
  if (calls !== undefined) return calls;
  calls = null;
  if (process.platform !== 'win32') return calls;
  const lib = loadKoffi().load('kernel32.dll');
  calls = {
    open: lib.func('void * __stdcall OpenProcess(uint32_t access, int inherit, uint32_t pid)'),
    times: lib.func(
      'int __stdcall GetProcessTimes(void *process, _Out_ uint64_t *creation, ' +
        '_Out_ uint64_t *exit, _Out_ uint64_t *kernel, _Out_ uint64_t *user)',
    ),
    close: lib.func('int __stdcall CloseHandle(void *handle)'),
  };
  return calls;
}

/**
 * The creation time of process `pid` as a decimal string, or "" when it cannot be known (no
 * such process, no right to ask, not Windows, no koffi): callers then go by the pid alone.
 */
export function processStartWin32(pid: number): string {
  try {
    const kernel = declare();
    if (!kernel || !Number.isInteger(pid) || pid <= 0) return '';
    const handle = kernel.open(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
    if (handle === null) return '';
    const [creation, exit, kernelTime, userTime] = [[0n], [0n], [0n], [0n]];
    try {
      if (!kernel.times(handle, creation, exit, kernelTime, userTime)) return '';
    } finally {
      kernel.close(handle);
    }
    return String(creation[0]);
  } catch {
    return '';
  }
}
