import { normalizeInPlace } from '../../index/vector.js';

/** Options of `generateClusteredVectors`; every field but `count` and `dimension` has a default. */
export interface ClusteredVectorsOptions {
  count: number;
  dimension: number;
  /** Number of cluster centres in the latent space. */
  clusters: number;
  /** Dimension of the latent space the clusters live in (sentence embeddings have a low intrinsic dimension). */
  latentDimension: number;
  /** Spread of a cluster relative to the spread of the centres. */
  spread: number;
  /** Isotropic noise added in the full space, relative to the unit vector. */
  noise: number;
  /** Seeds the centres and the projection: base and query sets made with the same seed share them. */
  seed: number;
  /** Seeds the points: use a different stream for queries than for the base set. */
  stream: number;
}

const defaults = { clusters: 1000, latentDimension: 32, spread: 0.5, noise: 0.1, seed: 1, stream: 0 };

/**
 * Seeded, L2-normalised vectors like sentence embeddings: Gaussian clusters in a low-dimensional
 * latent space, randomly projected to `dimension` and blurred by isotropic noise. Same options,
 * same vectors, on every machine.
 *
 * @example
 * const base = generateClusteredVectors({ count: 200_000, dimension: 256 });
 * const queries = generateClusteredVectors({ count: 100, dimension: 256, stream: 1 });
 */
export function generateClusteredVectors(
  options: Pick<ClusteredVectorsOptions, 'count' | 'dimension'> & Partial<ClusteredVectorsOptions>,
): Float32Array {
  const { count, dimension, clusters, latentDimension, spread, noise, seed, stream } = { ...defaults, ...options };
  const shared = gaussianSource(seed, 0x9e3779b9);
  const centres = Float32Array.from({ length: clusters * latentDimension }, () => shared.next());
  const projection = Float32Array.from({ length: latentDimension * dimension }, () => shared.next());
  const points = gaussianSource(seed, 0x85ebca6b + stream);
  const vectors = new Float32Array(count * dimension);
  const latent = new Float32Array(latentDimension);
  const noiseScale = noise / Math.sqrt(dimension);
  for (let n = 0; n < count; n++) {
    const c = Math.floor(points.uniform() * clusters);
    for (let j = 0; j < latentDimension; j++) latent[j] = centres[c * latentDimension + j]! + spread * points.next();
    normalizeInPlace(latent);
    const vector = vectors.subarray(n * dimension, (n + 1) * dimension);
    for (let i = 0; i < dimension; i++) vector[i] = noiseScale * points.next() * Math.sqrt(latentDimension);
    for (let j = 0; j < latentDimension; j++) {
      const weight = latent[j]!;
      const row = j * dimension;
      for (let i = 0; i < dimension; i++) vector[i]! += weight * projection[row + i]!;
    }
    normalizeInPlace(vector);
  }
  return vectors;
}

/** Mulberry32 uniforms and Box–Muller normals from a 32-bit seed. */
function gaussianSource(seed: number, salt: number): { uniform(): number; next(): number } {
  let state = (Math.imul(seed, 0x27d4eb2d) ^ salt) >>> 0;
  let spare: number | undefined;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    next() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
  };
}
