// What the note tests share (note*.unit.test.ts): a refusal's code and message, a key's id.
import { KeyError } from '../../config/tlog/keys.js';
import { NoteError } from '../../config/tlog/note.js';

export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof NoteError || e instanceof KeyError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

export function sigKey(raw: Uint8Array): string {
  return Buffer.from(raw.subarray(0, 4)).toString('hex');
}
