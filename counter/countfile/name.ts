// Count-file names: which program, version, runtime, platform and day a file belongs to, as one
// safe file name. Readers never trust the name (they read the metadata); writers need it unique.
import { FILE_SUFFIX } from './format.js';

/**
 * `<program>[@<version>]-<runtime>-<os>-<arch>-<YYYY-MM-DD>.v1.count`. Program and version
 * are escaped so that any npm name (`@acme/my-cli`) stays one safe file name: characters
 * outside [A-Za-z0-9._+-] become %XX, which also keeps `@` meaning "version follows".
 */
export function countFileName(
  program: { name: string; version: string },
  runtime: string,
  platform: string,
  arch: string,
  date: string,
): string {
  const ver = program.version ? `@${escapeName(program.version)}` : '';
  return `${escapeName(program.name)}${ver}-${escapeName(runtime)}-${escapeName(platform)}-${escapeName(arch)}-${date}${FILE_SUFFIX}`;
}

export function escapeName(text: string): string {
  // Names are nearly always safe already: skip the byte walk (~0.2 ms cold, at every start).
  if (allSafe(text)) return text;
  return Array.from(Buffer.from(text, 'utf8'))
    .map((byte) =>
      isSafe(byte)
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/**
 * Whether every character is in [A-Za-z0-9._+-]. A loop, not a regular expression: compiling
 * one cost ~0.03 ms of every everyday start on Node 24 (the only one that start compiled).
 */
function allSafe(text: string): boolean {
  for (let at = 0; at < text.length; at++) if (!isSafe(text.charCodeAt(at))) return false;
  return true;
}

function isSafe(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x2b ||
    byte === 0x2d
  );
}
