// Which due events the pollers take next: fairness across functions (matrix row C5, no
// head-of-line blocking). Candidates come ranked per function (1 = that function's oldest due
// event); a function that already has events in flight goes behind those that have fewer, so a
// backlog of one function never holds the free slots while another function's event waits.
// Between equals, the function served longest ago goes first (round robin across claims).

export interface Candidate {
  readonly requestId: string;
  readonly functionName: string;
  readonly rank: number;
}

/**
 * `inFlight`: events of each function running now; `lastServed`: when each function last had an
 * event launched (any increasing number; absent = never).
 */
export function pickFair<T extends Candidate>(
  candidates: readonly T[],
  inFlight: ReadonlyMap<string, number>,
  free: number,
  lastServed: ReadonlyMap<string, number> = new Map(),
): T[] {
  return candidates
    .map((candidate, index) => ({
      served: lastServed.get(candidate.functionName) ?? -1,
      candidate,
      index,
      load: (inFlight.get(candidate.functionName) ?? 0) + candidate.rank,
    }))
    .sort((a, b) => a.load - b.load || a.served - b.served || a.index - b.index)
    .slice(0, Math.max(0, free))
    .map((entry) => entry.candidate);
}
