// How the everyday upload check (upload-trigger.ts) reaches the rare part, upload-start.ts. In
// the source tree (and so in tests) a plain import; the build puts upload-start-bundled.ts in its
// place in the engine bundle, which loads dist/counter/upload-start.cjs only when called.
import { startIfDue } from './upload-start.js';

export interface UploadStart {
  startIfDue: typeof startIfDue;
}

export function loadUploadStart(): UploadStart {
  return { startIfDue };
}
