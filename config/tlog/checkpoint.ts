// Checkpoint note texts, c2sp.org/tlog-checkpoint v1.0.0 §"Note text": origin, tree size, root
// hash, then optional extension lines, each line ending in a newline. Signing and verifying the
// note around it is config/tlog/note.ts's job; parseCheckpoint takes the verified text.
import { decodeBase64 } from './keys.js';
import { MAX_NOTE_BYTES } from './note.js';
import { CodedError } from './error.js';

export type CheckpointErrorCode =
  | 'ETOOBIG'
  | 'EFORMAT'
  | 'EORIGIN'
  | 'ESIZE'
  | 'EROOT'
  | 'EEXTENSION';

export class CheckpointError extends CodedError<CheckpointErrorCode> {
  override name = 'CheckpointError';
}

export interface Checkpoint {
  origin: string;
  /** The number of leaves; sizes above 2^53-1 are refused, as a JavaScript number holds no more exactly. */
  size: number;
  /** The RFC 6962 Merkle tree hash at that size, 32 bytes. */
  root: Uint8Array;
  /** Opaque, non-empty lines after the root hash (NOT RECOMMENDED by the spec). */
  extensions: string[];
}

// Control characters other than newline cannot be in a note (c2sp.org/signed-note §Format).
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/u;

function parseSize(line: string): number {
  const shown = JSON.stringify(line.length > 40 ? line.slice(0, 40) + '…' : line);
  // ASCII decimal, no leading zero unless the tree is empty.
  if (!/^[0-9]+$/.test(line))
    throw new CheckpointError('ESIZE', `checkpoint tree size ${shown} is not a decimal number`);
  if (line.length > 1 && line[0] === '0')
    throw new CheckpointError('ESIZE', `checkpoint tree size ${shown} has a leading zero`);
  const size = Number(line);
  if (line.length > 16 || !Number.isSafeInteger(size))
    throw new CheckpointError('ESIZE', `checkpoint tree size ${shown} is above 2^53-1`);
  return size;
}

/** Parses a checkpoint's note text (as verifyNote returns it, with its final newline). */
export function parseCheckpoint(noteText: string): Checkpoint {
  if (noteText.length > MAX_NOTE_BYTES)
    throw new CheckpointError('ETOOBIG', `checkpoint is over ${MAX_NOTE_BYTES} bytes`);
  if (!noteText.endsWith('\n'))
    throw new CheckpointError('EFORMAT', 'checkpoint does not end with a newline');
  if (CONTROL.test(noteText))
    throw new CheckpointError('EFORMAT', 'checkpoint has a control character');
  const lines = noteText.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new CheckpointError(
      'EFORMAT',
      `checkpoint has ${lines.length} line(s), want origin, tree size and root hash`,
    );
  const [origin, sizeLine, rootLine, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === '') throw new CheckpointError('EORIGIN', 'checkpoint origin line is empty');
  const size = parseSize(sizeLine);
  const root = decodeBase64(rootLine);
  if (!root)
    throw new CheckpointError('EROOT', 'checkpoint root hash is not standard padded base64');
  if (root.length !== 32)
    throw new CheckpointError('EROOT', `checkpoint root hash is ${root.length} bytes, want 32`);
  const empty = extensions.indexOf('');
  if (empty >= 0)
    throw new CheckpointError('EEXTENSION', `checkpoint extension line ${empty + 1} is empty`);
  return { origin, size, root, extensions };
}

/** The note text of a checkpoint, refusing anything parseCheckpoint would refuse. */
export function formatCheckpoint(checkpoint: {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: string[];
}): string {
  if (checkpoint.origin === '' || checkpoint.origin.includes('\n'))
    throw new CheckpointError('EORIGIN', 'checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new CheckpointError(
      'ESIZE',
      `checkpoint tree size ${checkpoint.size} is not an integer from 0 to 2^53-1`,
    );
  if (checkpoint.root.length !== 32)
    throw new CheckpointError(
      'EROOT',
      `checkpoint root hash is ${checkpoint.root.length} bytes, want 32`,
    );
  const ext = checkpoint.extensions ?? [];
  if (ext.some((extension) => extension === '' || extension.includes('\n')))
    throw new CheckpointError(
      'EEXTENSION',
      'checkpoint extension lines must be non-empty single lines',
    );
  const text =
    [
      checkpoint.origin,
      String(checkpoint.size),
      Buffer.from(checkpoint.root).toString('base64'),
      ...ext,
    ].join('\n') + '\n';
  parseCheckpoint(text); // the remaining rules (control characters, size of the text) in one place
  return text;
}
