// A fresh seed for a request that names none.
import { generationLimits } from './generation-limits';

/**
 * Uniform over the whole seed range 0 … 2⁶⁴ − 1, from the platform's cryptographic generator (Web Crypto, present in
 * Node and in browsers). torch seeds its generator with the low 32 bits only, so any seed makes the same images as
 * its low 32 bits; drawing from the full range anyway keeps the stored seed what the contract promises (any value in
 * range, equally likely) and costs nothing.
 */
export function randomSeed(): bigint {
  const [high, low] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  const seed = (BigInt(high) << 32n) | BigInt(low);
  return seed & generationLimits.seed.max;
}
