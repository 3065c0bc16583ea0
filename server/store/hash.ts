// The SHA-256 of a report's canonical bytes, as the stores keep it (hex).
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

/** Node's one-shot `crypto.hash` (20.12+) skips a Hash object per report; older Nodes take the long way. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export const sha256 = (text: string): string =>
  oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
