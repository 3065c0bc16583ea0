// transparency-dev/merkle's RFC 9162 proof vectors (testdata/merkle/README.md): every one of the
// 196 cases, one test per file, and a count so that a lost folder fails the suite.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProofError } from '../../config/tlog/merkle.js';
import { verifyConsistency, verifyInclusion } from '../../config/tlog/proof.js';
import { ROOT } from '../helpers.js';

const DIR = join(ROOT, 'testdata', 'merkle');
const EXPECTED_VECTORS = 196;

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return jsonFiles(p);
      return name.endsWith('.json') ? [p] : [];
    });
}

const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const proofOf = (proof: string[] | null): Uint8Array[] => (proof ?? []).map(b64);

interface Inclusion {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface Consistency {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

/** Runs one vector file; returns the thrown error (a ProofError, or the test fails) or undefined. */
function run(file: string): { wantErr: boolean; error: unknown } {
  const v = JSON.parse(readFileSync(file, 'utf8')) as Inclusion & Consistency;
  const kind = relative(DIR, file).split('/')[0];
  try {
    if (kind === 'inclusion')
      verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proofOf(v.proof), b64(v.root));
    else if (kind === 'consistency')
      verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2));
    else throw new Error(`unknown vector kind ${kind}`);
    return { wantErr: v.wantErr, error: undefined };
  } catch (error) {
    return { wantErr: v.wantErr, error };
  }
}

let ran = 0;
const counts = { inclusion: 0, consistency: 0 };

describe('transparency-dev/merkle proof vectors', () => {
  for (const kind of ['inclusion', 'consistency'] as const) {
    for (const file of jsonFiles(join(DIR, kind))) {
      it(relative(ROOT, file), () => {
        const { wantErr, error } = run(file);
        ran++;
        counts[kind]++;
        if (wantErr) expect(error, 'want an error').toBeInstanceOf(ProofError);
        else expect(error).toBeUndefined();
      });
    }
  }

  // Declared last, so it runs after every vector above (vitest runs a file's tests in order).
  it('ran exactly 196 vectors: 98 inclusion, 98 consistency', () => {
    expect({ ran, ...counts }).toEqual({ ran: EXPECTED_VECTORS, inclusion: 98, consistency: 98 });
  });
});
