// From V8's call sites to the frames a stack name is built from (shared by StackCounter, which
// captures the caller's stack, and crash counters, which read a thrown error's). Node's own
// modules (`node:…`) are left out: their frames differ between Node releases for the same bug,
// and a vendor should see one stack name per bug on every runtime.

/** One call frame as V8 reports it; never stored, only turned into a frame line. */
export interface RawFrame {
  file: string;
  fn: string;
  line: number;
  /** Lines from the function's first line; -1 when unknown (a stack read back from text). */
  offset: number;
}

/** True for a frame of Node's own modules (`node:internal/…`, `node:fs`, …). */
export function isRuntimeFile(file: string | null | undefined): boolean {
  return file !== null && file !== undefined && file.startsWith('node:');
}

/** How many extra frames to ask V8 for, so that `depth` remain once Node's are left out. */
export const RUNTIME_SLACK = 16;

/** The frame of one call site: file, qualified function name, line offset in the function. */
export function frameOfSite(site: NodeJS.CallSite): RawFrame {
  const line = site.getLineNumber() ?? 0;
  const withStart = site as unknown as { getEnclosingLineNumber?: () => number | null };
  const first = withStart.getEnclosingLineNumber?.() ?? line;
  const type = site.getTypeName();
  const fn = site.getFunctionName() ?? site.getMethodName() ?? '';
  const qualified =
    fn && type && !site.isToplevel() && !fn.includes('.') && type !== 'Object'
      ? `${type}.${fn}`
      : fn;
  return {
    file: site.getFileName() ?? '',
    fn: qualified || '<anonymous>',
    line,
    offset: Math.max(0, line - first),
  };
}
