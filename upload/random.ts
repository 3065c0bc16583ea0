// The sampling draw: uniform in (0, 1] from the operating system's cryptographic source.
// 53 random bits make k/2^53 for k in [0, 2^53); 1 − that is in (0, 1], so a Rate of 0 keeps
// nothing and a Rate of 1 keeps everything (Go's draw is in [0, 1), where Rate 0 keeps X = 0).
import { randomBytes } from 'node:crypto';

export function drawX(): number {
  const b = randomBytes(8);
  const hi = b.readUInt32BE(0) >>> 11; // 21 bits
  const lo = b.readUInt32BE(4); // 32 bits
  return 1 - (hi * 2 ** 32 + lo) / 2 ** 53;
}
