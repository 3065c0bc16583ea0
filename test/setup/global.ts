// vitest's globalSetup: work every test file may need, done once before any test runs, so no
// timed test pays for it (a cold `go build` once took a 60-s test past its limit).
import { buildGoPrograms } from '../go-interop/go-build.js';

export default function setup(): void {
  const failed = buildGoPrograms();
  if (failed !== null) throw new Error(failed);
}
