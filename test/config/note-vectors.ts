// Test values shared by the note tests.
//
// Ported from golang.org/x/mod v0.27.0, sumdb/note/note_test.go (TestNewVerifier, TestNewSigner,
// TestSign, TestOpen; the same keys appear in example_test.go); v0.27.0 is the version pinned in
// test/go/go.mod, and its note package behaves as v0.43.0's (only strings.Cut refactors differ).
export const PETER_SIGNER =
  'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
export const PETER_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
export const ENOCH_VERIFIER = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
export const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
export const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
export const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
/** TestNewVerifier: a 36-byte key with its key id adjusted, and algorithm 0x65 with its key id adjusted. */
export const GO_WRONG_LENGTH =
  'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==';
export const GO_UNKNOWN_ALG = 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

/** Go slices strings by byte: insert `what` at byte offset `at` of `s` (the em dash is 3 bytes). */
export function insertAtByte(text: string, offset: number, what: string): string {
  const b = Buffer.from(text, 'utf8');
  return Buffer.concat([b.subarray(0, offset), Buffer.from(what), b.subarray(offset)]).toString(
    'utf8',
  );
}

/** Go's badMsgs of TestOpen, each refused as "malformed note" by Go; bytes, as one is not UTF-8. */
export const GO_BAD_MSGS: Array<{ what: string; msg: Uint8Array; code: string }> = [
  { what: 'text only', msg: Buffer.from(GO_TEXT), code: 'EMALFORMED' },
  { what: 'text and blank line', msg: Buffer.from(GO_TEXT + '\n'), code: 'EMALFORMED' },
  {
    what: 'no final newline',
    msg: Buffer.from(GO_TEXT + '\n' + PETER_SIG.slice(0, -1)),
    code: 'EMALFORMED',
  },
  {
    what: 'control character',
    msg: Buffer.from('\x01' + GO_TEXT + '\n' + PETER_SIG),
    code: 'EENCODING',
  },
  {
    what: 'invalid utf-8',
    msg: Buffer.concat([Buffer.of(0xff), Buffer.from(GO_TEXT + '\n' + PETER_SIG)]),
    code: 'EENCODING',
  },
  {
    what: 'name with a space, no final newline',
    msg: Buffer.from(GO_TEXT + '\n' + PETER_SIG.replace('PeterNeumann', 'Bad Name').slice(0, -1)),
    code: 'EMALFORMED',
  },
  {
    what: 'line after the signatures',
    msg: Buffer.from(GO_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n'),
    code: 'EMALFORMED',
  },
];

// c2sp.org/signed-note v1.0.0 §"Verifier keys" §Example (github.com/C2SP/C2SP signed-note.md).
export const C2SP_VERIFIER =
  'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
export const C2SP_NOTE =
  'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// The note at the top of the same page; its key is not published.
export const C2SP_POEM_TEXT =
  'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
export const C2SP_POEM_SIG =
  '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
