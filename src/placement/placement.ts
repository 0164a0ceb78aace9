// Placement: which host gets a new sandbox. Today Hearth runs on one machine, so the answer is
// always this host and its sandbox driver.
//
// The future (cluster mode): each host publishes its free memory, its warm sandboxes and its
// pre-started pool to the shared store; placement becomes a pure function
// `choose(request, hosts) → host` with a table test, after OpenWhisk's
// ShardingContainerPoolBalancer: hash the function to a home host so warm sandboxes concentrate,
// step to the next host (by a co-prime stride) when the home host lacks memory, and fall back to
// the least-loaded host. The worker manager then asks that host to start the sandbox instead of
// calling a local driver. Nothing above this file needs to change for that.
import type { SandboxDriver } from '../sandbox/sandbox-driver.js';

export interface PlacementRequest {
  readonly functionName: string;
  readonly memoryMb: number;
}

export interface PlacementDecision {
  readonly hostId: string;
  readonly driver: SandboxDriver;
}

export interface Placement {
  place(request: PlacementRequest): PlacementDecision;
}

export class LocalPlacement implements Placement {
  constructor(private readonly driver: SandboxDriver) {}

  place(_request: PlacementRequest): PlacementDecision {
    return { hostId: 'local', driver: this.driver };
  }
}
