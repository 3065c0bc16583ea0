// config/tlog/checkpoint.ts: c2sp.org/tlog-checkpoint v1.0.0 note texts, C2SP's example and a table of
// malformed checkpoints, each refused with its own code and message.
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  formatCheckpoint,
  parseCheckpoint,
} from '../../config/tlog/checkpoint.js';
import { generateKey } from '../../config/tlog/keys.js';
import { NoteError, signNote, verifyNote } from '../../config/tlog/note.js';

// c2sp.org/tlog-checkpoint v1.0.0, the example at the top of the page (github.com/C2SP/C2SP
// tlog-checkpoint.md); its log key is not published.
const EXAMPLE_TEXT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const EXAMPLE_SIG =
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
const ROOT = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

function codeOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    if (error instanceof CheckpointError || error instanceof NoteError)
      return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe("C2SP's example checkpoint", () => {
  it('parses its text', () => {
    expect(parseCheckpoint(EXAMPLE_TEXT)).toEqual({
      origin: 'example.com/behind-the-sofa',
      size: 20852163,
      root: new Uint8Array(ROOT),
      extensions: [],
    });
    expect(
      formatCheckpoint({ origin: 'example.com/behind-the-sofa', size: 20852163, root: ROOT }),
    ).toBe(EXAMPLE_TEXT);
  });

  it('its signature line parses; unknown to us, it verifies nothing, while a key of ours beside it does', () => {
    const note = `${EXAMPLE_TEXT}\n${EXAMPLE_SIG}`;
    const mine = generateKey('example.com/behind-the-sofa');
    expect(codeOf(() => verifyNote(note, [mine.verifier]))).toBe(
      'EUNVERIFIED: note is not signed by any of the 1 given keys (signed by example.com/behind-the-sofa+033de0ae)',
    );
    const cosigned = signNote(EXAMPLE_TEXT, [mine.signer]) + EXAMPLE_SIG;
    expect(parseCheckpoint(verifyNote(cosigned, [mine.verifier]).text).size).toBe(20852163);
  });
});

describe('checkpoints', () => {
  const root = new Uint8Array(32).fill(0xab);
  const b64 = Buffer.from(root).toString('base64');

  it('round-trips extension lines, the empty tree and the largest safe size', () => {
    const c = { origin: 'log.example/a b+c', size: 0, root, extensions: ['ext one', '— x'] };
    expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
    expect(parseCheckpoint(`o\n${Number.MAX_SAFE_INTEGER}\n${b64}\n`).size).toBe(2 ** 53 - 1);
  });

  it.each([
    ['no final newline', `o\n1\n${b64}`, 'EFORMAT: checkpoint does not end with a newline'],
    [
      'two lines',
      'o\n1\n',
      'EFORMAT: checkpoint has 2 line(s), want origin, tree size and root hash',
    ],
    ['carriage return', `o\r\n1\n${b64}\n`, 'EFORMAT: checkpoint has a control character'],
    ['empty origin', `\n1\n${b64}\n`, 'EORIGIN: checkpoint origin line is empty'],
    ['leading zero', `o\n012\n${b64}\n`, 'ESIZE: checkpoint tree size "012" has a leading zero'],
    ['double zero', `o\n00\n${b64}\n`, 'ESIZE: checkpoint tree size "00" has a leading zero'],
    ['negative', `o\n-1\n${b64}\n`, 'ESIZE: checkpoint tree size "-1" is not a decimal number'],
    ['plus sign', `o\n+1\n${b64}\n`, 'ESIZE: checkpoint tree size "+1" is not a decimal number'],
    ['exponent', `o\n1e3\n${b64}\n`, 'ESIZE: checkpoint tree size "1e3" is not a decimal number'],
    ['space', `o\n 1\n${b64}\n`, 'ESIZE: checkpoint tree size " 1" is not a decimal number'],
    ['empty size', `o\n\n${b64}\n`, 'ESIZE: checkpoint tree size "" is not a decimal number'],
    [
      '2^53',
      `o\n9007199254740992\n${b64}\n`,
      'ESIZE: checkpoint tree size "9007199254740992" is above 2^53-1',
    ],
    [
      '2^64',
      `o\n18446744073709551616\n${b64}\n`,
      'ESIZE: checkpoint tree size "18446744073709551616" is above 2^53-1',
    ],
    [
      'long size',
      `o\n${'9'.repeat(50)}\n${b64}\n`,
      `ESIZE: checkpoint tree size "${'9'.repeat(40)}…" is above 2^53-1`,
    ],
    [
      '31-byte root',
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`,
      'EROOT: checkpoint root hash is 31 bytes, want 32',
    ],
    ['empty root', 'o\n1\n\n', 'EROOT: checkpoint root hash is 0 bytes, want 32'],
    [
      'unpadded root',
      `o\n1\n${b64.slice(0, -1)}\n`,
      'EROOT: checkpoint root hash is not standard padded base64',
    ],
    [
      'url-safe root',
      'o\n1\n' + '_'.repeat(43) + '=\n',
      'EROOT: checkpoint root hash is not standard padded base64',
    ],
    [
      'empty extension',
      `o\n1\n${b64}\next\n\n`,
      'EEXTENSION: checkpoint extension line 2 is empty',
    ],
    [
      'oversized',
      `o\n1\n${b64}\n${'x'.repeat(1 << 20)}\n`,
      'ETOOBIG: checkpoint is over 1048576 bytes',
    ],
  ])('refuses %s', (_, text, want) => {
    expect(codeOf(() => parseCheckpoint(text))).toBe(want);
  });

  it.each([
    [
      'origin with a newline',
      { origin: 'a\nb', size: 1, root },
      'EORIGIN: checkpoint origin must be one non-empty line',
    ],
    [
      'empty origin',
      { origin: '', size: 1, root },
      'EORIGIN: checkpoint origin must be one non-empty line',
    ],
    [
      'origin with a tab',
      { origin: 'a\tb', size: 1, root },
      'EFORMAT: checkpoint has a control character',
    ],
    [
      'negative size',
      { origin: 'o', size: -1, root },
      'ESIZE: checkpoint tree size -1 is not an integer from 0 to 2^53-1',
    ],
    [
      'fractional size',
      { origin: 'o', size: 1.5, root },
      'ESIZE: checkpoint tree size 1.5 is not an integer from 0 to 2^53-1',
    ],
    [
      '2^53',
      { origin: 'o', size: 2 ** 53, root },
      'ESIZE: checkpoint tree size 9007199254740992 is not an integer from 0 to 2^53-1',
    ],
    [
      'short root',
      { origin: 'o', size: 1, root: root.subarray(1) },
      'EROOT: checkpoint root hash is 31 bytes, want 32',
    ],
    [
      'empty extension',
      { origin: 'o', size: 1, root, extensions: [''] },
      'EEXTENSION: checkpoint extension lines must be non-empty single lines',
    ],
  ])('formatCheckpoint refuses %s', (_, checkpoint, want) => {
    expect(codeOf(() => formatCheckpoint(checkpoint))).toBe(want);
  });
});
