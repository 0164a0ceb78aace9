// The order in which the interleaved phases visit the servers: every round visits each once, the
// order rotated by one each round, so that no server is always first (right after another's
// burst) or always last. A host that speeds up or slows down during the run then moves every
// server's numbers alike, and the ratios between them hold.

/** For `rounds` rounds over `count` servers: the servers' indices in the order each round visits them. */
export function interleavedOrder(count: number, rounds: number): number[][] {
  return Array.from({ length: rounds }, (_, round) =>
    Array.from({ length: count }, (_, position) => (position + round) % count),
  );
}

/** `total` split into `parts` whole shares as even as can be (the first ones get the remainder). */
export function evenShares(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}
