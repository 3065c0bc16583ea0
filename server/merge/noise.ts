// Two-sided geometric noise (the discrete Laplace mechanism): P(Z = z) ∝ α^|z| with
// α = exp(−ε/Δ), for a count whose sensitivity (what one report can change) is Δ. Z is drawn
// as the difference of two geometric draws, each by inversion of a uniform from the
// operating system's CSPRNG: Math.random is predictable and must never make privacy noise.
import { randomBytes } from 'node:crypto';

/** A uniform draw in (0, 1] with 53 random bits. */
export type Uniform = () => number;

export const cryptoUniform: Uniform = () => {
  const bytes = randomBytes(8);
  const hi = bytes.readUInt32BE(0) >>> 5; // 27 bits
  const lo = bytes.readUInt32BE(4) >>> 6; // 26 bits
  return (hi * 67_108_864 + lo + 1) / 9_007_199_254_740_992;
};

/** A geometric draw on {0, 1, …}: P(G = g) = (1 − α) α^g. */
function geometric(alpha: number, uniform: Uniform): number {
  return Math.floor(Math.log(uniform()) / Math.log(alpha));
}

/** Noise for one published count with sensitivity `delta` at privacy loss `epsilon` (> 0). */
export function geometricNoise(
  epsilon: number,
  delta: number,
  uniform: Uniform = cryptoUniform,
): number {
  if (!(epsilon > 0) || !(delta > 0))
    throw new Error(`noise needs epsilon > 0 and delta > 0, got ${epsilon} and ${delta}`);
  const alpha = Math.exp(-epsilon / delta);
  return geometric(alpha, uniform) - geometric(alpha, uniform);
}
