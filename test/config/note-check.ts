// What the note tests share (note*.unit.test.ts): a refusal's code and message, a key's id.
import { KeyError } from '../../config/tlog/keys.js';
import { NoteError } from '../../config/tlog/note.js';

export function codeOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    if (error instanceof NoteError || error instanceof KeyError)
      return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

export function sigKey(raw: Uint8Array): string {
  return Buffer.from(raw.subarray(0, 4)).toString('hex');
}
