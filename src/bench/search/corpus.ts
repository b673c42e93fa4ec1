import type { Patent } from '../../domain/index.js';

/**
 * Makes the i-th synthetic patent of a benchmark corpus by recombining real ones: the title of one
 * patent, an abstract stitched from the sentences of two, and a number in the unused 2090s range
 * so it can never collide with a real application. Deterministic in `i`.
 *
 * @example
 * const p = recombinePatent(real, 123_456); // p.applicationNumber === '1020900123456'
 */
export function recombinePatent(real: readonly Patent[], i: number): Patent {
  const n = real.length;
  const first = real[i % n]!;
  // The second patent shifts by another prime every round through `real`, so a (first, second) pair,
  // and with it an abstract, comes back only after n² patents: no exact duplicates at 1.6M.
  const second = real[(i * 7919 + Math.floor(i / n) * 104_729 + 13) % n]!;
  const year = 2090 + Math.floor(i / 10_000_000);
  const serial = String(i % 10_000_000).padStart(7, '0');
  const abstract = [...sentences(first.abstract).slice(0, 2), ...sentences(second.abstract).slice(-2)].join(' ');
  return {
    ...first,
    applicationNumber: `10${year}${serial}`,
    kind: 'patent',
    abstract,
    ipc: i % 2 === 0 ? first.ipc : second.ipc,
    registrationNumber: null,
    registrationDate: null,
    registrationStatus: null,
  };
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?。])\s+/).filter((s) => s.length > 0);
}
