// How a sandbox's exit reaches the platform. bwrap reports a runtime killed by signal N as exit
// status 128+N (as a shell does), so the isolated driver turns those codes back into the signal:
// an OOM kill then reads "signal: killed", as on Lambda. The cost is that a runtime calling
// exit(137) itself is also reported as killed.
import { constants } from 'node:os';
import type { SandboxExit } from '../sandbox-driver.js';

const SIGNAL_BY_NUMBER = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

export function sandboxExit(code: number | null, signal: NodeJS.Signals | null): SandboxExit {
  if (signal !== null || code === null || code <= 128) return { code, signal };
  const mapped = SIGNAL_BY_NUMBER.get(code - 128);
  return mapped === undefined ? { code, signal } : { code: null, signal: mapped };
}
