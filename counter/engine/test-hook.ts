// One pause point, so that tests can provoke a race on purpose instead of hoping for it
// (test/cli/purge-race.test.ts holds a tool between its decision and its file's creation while
// `telemetry off --purge` runs). Only code inside the host process can set the hook, and that
// code can already do anything; no environment variable or file reaches it. For a tool it
// costs one property read when a week's file is opened.

/** What a test may set on globalThis before open(). */
interface TestHooks {
  /** Called with the count file's path just before the file is opened or created. */
  beforeCreate?: (path: string) => void;
}

const HOOKS_KEY = '__transparentTelemetryTestHooks';

export function runTestHook(name: keyof TestHooks, path: string): void {
  const hooks = (globalThis as { [HOOKS_KEY]?: TestHooks })[HOOKS_KEY];
  hooks?.[name]?.(path);
}
