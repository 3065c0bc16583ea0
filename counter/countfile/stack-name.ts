// Stack-counter names: `<name>\n<frame>\n<frame>…`, where a frame whose path repeats the
// previous frame's path stores `"` in its place (Go's "ditto" compression).

export const TRUNCATED = '\ntruncated\n';

/** Splits a frame line at its last '.' into [path, rest]; path is '' when there is no dot. */
function splitFrame(line: string): [string, string] {
  const dot = line.lastIndexOf('.');
  return dot < 0 ? ['', line] : [line.slice(0, dot), line.slice(dot + 1)];
}

/** Compresses frame lines into the stored name, capped at maxBytes with the truncation marker. */
export function encodeStack(prefix: string, frames: readonly string[], maxBytes: number): string {
  let last = '';
  const lines = frames.map((frame) => {
    const [path, rest] = splitFrame(frame);
    const out = path === last ? `".${rest}` : frame;
    last = path;
    return out;
  });
  const name = [prefix, ...lines].join('\n');
  return truncateName(name, maxBytes);
}

function truncateName(name: string, maxBytes: number): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= maxBytes) return name;
  // Cut on a UTF-8 boundary so the stored name stays valid text.
  let end = maxBytes - Buffer.byteLength(TRUNCATED);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + TRUNCATED;
}

/** Expands ditto marks; names without a newline are returned unchanged. */
export function decodeStack(name: string): string {
  if (!name.includes('\n')) return name;
  let last = '';
  return name
    .split('\n')
    .map((line) => {
      const [path, rest] = splitFrame(line);
      if (path === '') return line;
      if (path === '"') return `${last}${rest}`;
      last = path + '.';
      return line;
    })
    .join('\n');
}
