// Text from outside (a collector's refusal, a config's names) on its way to a terminal. Control
// characters (C0, DEL, C1 such as U+009B, a one-byte CSI) and format characters (bidi overrides
// U+202A–U+202E and isolates U+2066–U+2069, zero-width joiners) can move the cursor, recolour
// the screen or reorder what the user reads. Config names refuse them (config/expand.ts);
// free text has them replaced.

/** A control (Cc) or format (Cf) character: the ones a name someone must review may not hide. */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}]/u;

/**
 * `text` as one printable line of at most `max` characters: every run of whitespace, control
 * or format characters becomes one space; a lone surrogate becomes U+FFFD.
 */
export function printableLine(text: string, max = 200): string {
  const line = text.replace(/[\s\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return [...(line as unknown as { toWellFormed(): string }).toWellFormed()].slice(0, max).join('');
}
