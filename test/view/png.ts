// Reads a PNG's size and counts its distinct pixel values, so a screenshot test can tell a
// rendered page from a blank or broken one without an image library.
import { inflateSync } from 'node:zlib';

export interface PngSummary {
  width: number;
  height: number;
  /** Distinct RGB(A) values among the decoded rows, counted up to `limit`. */
  colours: number;
}

export function summarizePng(png: Buffer, limit = 4096): PngSummary {
  if (png.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n') throw new Error('not a PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const [depth, type] = [png[24]!, png[25]!];
  if (depth !== 8 || (type !== 2 && type !== 6))
    throw new Error(`unsupported PNG (depth ${depth}, colour type ${type})`);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const bpp = type === 6 ? 4 : 3;
  const stride = width * bpp;
  const seen = new Set<string>();
  let prev: Buffer = Buffer.alloc(stride);
  for (let y = 0; y < height && seen.size < limit; y++) {
    const row = unfilter(
      raw[y * (stride + 1)]!,
      raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)),
      prev,
      bpp,
    );
    for (let x = 0; x < stride && seen.size < limit; x += bpp * 7)
      seen.add(row.toString('hex', x, x + bpp));
    prev = row;
  }
  return { width, height, colours: seen.size };
}

/** Undoes one row's PNG filter (RFC 2083 §6). */
function unfilter(filter: number, row: Buffer, prev: Buffer, bpp: number): Buffer {
  const out = Buffer.from(row);
  for (let i = 0; i < out.length; i++) {
    const a = i >= bpp ? out[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const p = a + b - c;
    const pred = [
      0,
      a,
      b,
      Math.floor((a + b) / 2),
      Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
        ? a
        : Math.abs(p - b) <= Math.abs(p - c)
          ? b
          : c,
    ][filter]!;
    out[i] = (out[i]! + pred) & 0xff;
  }
  return out;
}
