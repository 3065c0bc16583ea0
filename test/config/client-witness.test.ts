// fetchVerifiedConfig with pinned witnesses, against a real HTTP server on 127.0.0.1 serving a
// log written by appendToLog whose checkpoint witnesses cosigned: a quorum met, not met, unknown
// witnesses, a tampered cosignature, a key of the wrong type, a future time, one witness twice.
// A refused checkpoint leaves the trusted one as it was; readVerifiedConfig reads a directory the same way.
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ClientError,
  fetchVerifiedConfig,
  readVerifiedConfig,
  trustedCheckpointFile,
} from '../../config/client.js';
import { cosignNote, generateWitnessKey } from '../../config/tlog/cosignature.js';
import { generateKey, parseVerifier } from '../../config/tlog/keys.js';
import { appendToLog } from '../../config/log.js';
import { tempDir } from '../helpers.js';
import { serveLogDir } from '../log-server.js';

const ORIGIN = 'collector.example/config';
const LOG = generateKey(ORIGIN, new Uint8Array(32).fill(3));
const W = [1, 2, 3].map((i) =>
  generateWitnessKey(`witness${i}.example`, new Uint8Array(32).fill(10 + i)),
);
const STRANGER = generateWitnessKey('stranger.example', new Uint8Array(32).fill(20));
const config = readFileSync(join(__dirname, '../../examples/collection-config.json'));
const now = (): number => Math.floor(Date.now() / 1000);

let dir = '';
let requests = 0;
const srv = serveLogDir(
  () => dir,
  () => requests++,
);

const plain = tempDir('tt-witness-log-');
appendToLog(plain, [config], LOG.signer, ORIGIN);
/** A copy of the log whose checkpoint `edit` rewrote (cosigned, tampered). */
function served(edit: (note: string) => string): string {
  const d = tempDir('tt-witness-served-');
  cpSync(plain, d, { recursive: true });
  writeFileSync(join(d, 'checkpoint'), edit(readFileSync(join(d, 'checkpoint'), 'utf8')));
  return d;
}
const cosigned =
  (...who: number[]) =>
  (note: string) =>
    who.reduce((note, i) => cosignNote(note, W[i]!.signer, now()), note);
const vkeys = (...who: number[]) => who.map((i) => W[i]!.verifier);

let state = '';
beforeEach(() => {
  state = tempDir('tt-witness-state-');
  requests = 0;
});
const fetchIt = (witnesses: string[], quorum?: number) =>
  fetchVerifiedConfig({ url: srv.base, key: LOG.verifier, stateDir: state, witnesses, quorum });
async function refused(witnesses: string[], quorum?: number): Promise<ClientError> {
  try {
    await fetchIt(witnesses, quorum);
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('fetchVerifiedConfig accepted it');
}

describe('fetchVerifiedConfig with witnesses', () => {
  it('accepts a checkpoint cosigned by the quorum, naming who cosigned; strangers are ignored', async () => {
    dir = served((note) => cosignNote(cosigned(0, 2)(note), STRANGER.signer, now()));
    const all = await fetchIt(vkeys(0, 2));
    expect([all.index, all.cosignedBy]).toEqual([0, ['witness1.example', 'witness3.example']]);
    expect(readFileSync(trustedCheckpointFile(state, parseVerifier(LOG.verifier)), 'utf8')).toBe(
      readFileSync(join(dir, 'checkpoint'), 'utf8'),
    );
    expect((await fetchIt(vkeys(0, 1, 2), 2)).cosignedBy).toEqual([
      'witness1.example',
      'witness3.example',
    ]);
    expect((await fetchIt([])).cosignedBy).toEqual([]); // no witnesses pinned: the log key alone, as before
  });

  it('refuses a checkpoint below the quorum (EWITNESS), saying how many of how many and which, and trusts nothing', async () => {
    dir = served(cosigned(0));
    const e = await refused(vkeys(0, 1, 2), 2);
    expect(e.code).toBe('EWITNESS');
    expect(e.message).toBe(
      `${srv.base}/config-log/checkpoint: checkpoint is cosigned by 1 of 3 pinned witnesses, 2 needed (verified: witness1.example; witness2.example: no cosignature; witness3.example: no cosignature)`,
    );
    expect(readdirSync(state)).toEqual([]);
    expect(requests).toBe(1); // refused before any tile or entry was fetched
    dir = served((note) => cosignNote(note, STRANGER.signer, now()));
    expect((await refused(vkeys(0))).message).toMatch(
      /cosigned by 0 of 1 pinned witnesses, 1 needed \(verified: none; witness1\.example: no cosignature\)/,
    );
  });

  it('a tampered cosignature by a pinned witness counts as missing and says so; the trusted checkpoint stays', async () => {
    dir = served(cosigned(0, 1));
    await fetchIt(vkeys(0, 1));
    const before = readFileSync(trustedCheckpointFile(state, parseVerifier(LOG.verifier)), 'utf8');
    dir = served((note) => {
      const c = cosigned(0, 1)(note);
      const b64 = c.trimEnd().split(' ').at(-1)!;
      const b = Buffer.from(b64, 'base64');
      b[30]! ^= 1;
      return c.replace(b64, b.toString('base64'));
    });
    const e = await refused(vkeys(0, 1));
    expect([e.code, e.message]).toEqual([
      'EWITNESS',
      expect.stringContaining(
        '1 of 2 pinned witnesses, 2 needed (verified: witness1.example; witness2.example: its cosignature does not verify)',
      ),
    ]);
    expect(readFileSync(trustedCheckpointFile(state, parseVerifier(LOG.verifier)), 'utf8')).toBe(
      before,
    );
    expect((await fetchIt(vkeys(0, 1), 1)).cosignedBy).toEqual(['witness1.example']);
  });

  it('does not count a cosignature more than a day in the future', async () => {
    dir = served((note) => cosignNote(cosigned(0)(note), W[1]!.signer, now() + 2 * 86_400));
    const e = await refused(vkeys(0, 1));
    expect(e.message).toMatch(
      /1 of 2 .*witness2\.example: its cosignature time \d+ is more than a day in the future\)$/,
    );
  });

  it('counts a witness whose line appears twice once', async () => {
    dir = served((note) => {
      const c = cosigned(0)(note);
      return c + c.trimEnd().split('\n').at(-1)! + '\n';
    });
    expect((await refused(vkeys(0, 1), 2)).message).toMatch(/cosigned by 1 of 2/);
    expect((await fetchIt(vkeys(0, 1), 1)).cosignedBy).toEqual(['witness1.example']);
  });

  it('refuses, before any connection, a witness key of the wrong type (EKEY), one given twice, and a quorum outside 1..n (EUSAGE)', async () => {
    dir = served(cosigned(0));
    const wrongType = await refused([LOG.verifier]);
    expect([wrongType.code, wrongType.message]).toEqual([
      'EKEY',
      expect.stringMatching(
        /^witness key: verifier key collector\.example\/config: signature type 0x01 is an ed25519 note key; want 0x04/,
      ),
    ]);
    expect((await refused(vkeys(0, 0))).code).toBe('EKEY');
    for (const q of [0, 2, -1, 1.5]) expect((await refused(vkeys(0), q)).code).toBe('EUSAGE');
    expect((await refused([], 1)).code).toBe('EUSAGE');
    expect(requests).toBe(0);
  });
});

describe('readVerifiedConfig', () => {
  it('verifies a log directory with its witnesses, and refuses the same way', async () => {
    const d = served(cosigned(1));
    const got = await readVerifiedConfig({ dir: d, key: LOG.verifier, witnesses: vkeys(1) });
    expect([got.index, got.cosignedBy, Buffer.from(got.entry)]).toEqual([
      0,
      ['witness2.example'],
      config,
    ]);
    await expect(
      readVerifiedConfig({ dir: d, key: LOG.verifier, witnesses: vkeys(0) }),
    ).rejects.toMatchObject({ code: 'EWITNESS' });
    await expect(
      readVerifiedConfig({ dir: join(d, 'nope'), key: LOG.verifier }),
    ).rejects.toMatchObject({ code: 'EREAD' });
  });
});
