// The SHA-256 of a report's canonical bytes, as the stores keep it (hex).
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

type OneShot = (algorithm: string, data: string, encoding: 'hex') => string;
/** Node's one-shot `crypto.hash` (20.12+): no Hash object per report; older Nodes lack it. */
const oneShot = (crypto as { hash?: OneShot }).hash;

export const sha256 = (text: string): string =>
  oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
