// toolEnvVar derives the variable by one loop for ASCII names (a cost of every start) and by
// the regular expressions otherwise: both must give the variable the expressions define.
import { describe, expect, it } from 'vitest';
import { toolEnvVar } from '../../counter/settings/index.js';

/** The definition (docs/settings.md): the expressions toolEnvVar used for every name. */
function byExpressions(program: string): string | null {
  const bare =
    program.startsWith('@') && program.includes('/')
      ? program.slice(program.indexOf('/') + 1)
      : program;
  const stem = bare
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!stem) return null;
  return /^\d/.test(stem) ? `_${stem}_TELEMETRY_DISABLED` : `${stem}_TELEMETRY_DISABLED`;
}

describe('toolEnvVar on ASCII names', () => {
  it('matches the expressions for every one- and two-character name', () => {
    for (let a = 0; a < 128; a++) {
      const one = String.fromCharCode(a);
      expect(toolEnvVar(one), JSON.stringify(one)).toBe(byExpressions(one));
      for (let b = 0; b < 128; b++) {
        const two = one + String.fromCharCode(b);
        if (toolEnvVar(two) !== byExpressions(two))
          expect(toolEnvVar(two), JSON.stringify(two)).toBe(byExpressions(two));
      }
    }
  });

  it('matches the expressions for 20,000 longer names, scoped or not', () => {
    let seed = 22;
    const next = (bound: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % bound;
    };
    const alphabet = 'abcXYZ019-_.@/ ~';
    for (let k = 0; k < 20_000; k++) {
      let name = '';
      const length = next(14);
      for (let i = 0; i < length; i++)
        name += next(4) === 0 ? String.fromCharCode(next(128)) : alphabet[next(alphabet.length)];
      expect(toolEnvVar(name), JSON.stringify(name)).toBe(byExpressions(name));
    }
  });

  it('leaves other names to the expressions, whose upper case may hold A to Z', () => {
    for (const name of ['ß-tool', 'straße', 'ıd', 'ﬀ', 'héllo', '@s/ǰob', '日本', 'a日b']) {
      expect(toolEnvVar(name), name).toBe(byExpressions(name));
    }
    expect(toolEnvVar('ß-tool')).toBe('SS_TOOL_TELEMETRY_DISABLED');
  });
});
