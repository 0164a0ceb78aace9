// The resource policy of one isolated sandbox, as pure data: what the cgroup and rlimits get for a
// function of a given MemorySize on a host with a given number of cores.
// Lambda: "Lambda allocates CPU power in proportion to the amount of memory configured … at 1,769 MB,
// a function has the equivalent of one vCPU" (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory-function.html);
// 1,024 processes/threads and 1,024 file descriptors (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).

export const MB = 1024 * 1024;
/** MemorySize that buys one full vCPU. */
export const MB_PER_VCPU = 1769;
/** The CFS period every quota is expressed against (the kernel's default, 100 ms). */
export const CPU_PERIOD_US = 100_000;
/** A floor so that a 128 MB function is slow but never starved outright (1 ms per 100 ms). */
export const MIN_CPU_QUOTA_US = 1_000;
export const DEFAULT_PIDS_MAX = 1024;
export const DEFAULT_NOFILE = 1024;

/** When the quota applies. Lambda boosts init; Hearth's default policy does the same. */
export type CpuPhase = 'init' | 'invoke';

export interface CpuPolicy {
  /** Throttle during init too (false: init runs unthrottled, as Lambda's init boost). */
  readonly throttleInit: boolean;
  /** Scale factor on the proportional quota (1 = Lambda's 1,769 MB per vCPU). */
  readonly scale: number;
}

export const DEFAULT_CPU_POLICY: CpuPolicy = { throttleInit: false, scale: 1 };

export interface CpuQuota {
  /** Microseconds of CPU per period; undefined = unlimited. */
  readonly quotaUs: number | undefined;
  readonly periodUs: number;
}

/** The CPU quota for a sandbox: proportional to memory, capped at the host's cores. */
export function cpuQuota(
  memoryMb: number,
  hostCores: number,
  phase: CpuPhase,
  policy: CpuPolicy = DEFAULT_CPU_POLICY,
): CpuQuota {
  if (phase === 'init' && !policy.throttleInit) return { quotaUs: undefined, periodUs: CPU_PERIOD_US };
  const cores = Math.max(1, hostCores);
  const share = Math.min(cores, (memoryMb / MB_PER_VCPU) * policy.scale);
  if (share >= cores) return { quotaUs: undefined, periodUs: CPU_PERIOD_US };
  return { quotaUs: Math.max(MIN_CPU_QUOTA_US, Math.round(share * CPU_PERIOD_US)), periodUs: CPU_PERIOD_US };
}

export interface SandboxLimits {
  /** Hard memory limit (MemorySize); no swap on top. */
  readonly memoryBytes: number;
  readonly pidsMax: number;
  readonly nofile: number;
  /** Size of the private /tmp (EphemeralStorage). */
  readonly tmpBytes: number;
}

export function sandboxLimits(memoryMb: number, ephemeralStorageMb: number): SandboxLimits {
  return {
    memoryBytes: memoryMb * MB,
    pidsMax: DEFAULT_PIDS_MAX,
    nofile: DEFAULT_NOFILE,
    tmpBytes: ephemeralStorageMb * MB,
  };
}
