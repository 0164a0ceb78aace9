// How Lambda words a runtime's exit: Go's os.ProcessState strings ("exit status 1",
// "signal: killed"), as in `Runtime exited with error: …` (AWS Runtime.ExitError messages).
import type { SandboxExit } from './sandbox-driver.js';

const SIGNAL_NAMES: Readonly<Record<string, string>> = {
  SIGHUP: 'hangup',
  SIGINT: 'interrupt',
  SIGQUIT: 'quit',
  SIGILL: 'illegal instruction',
  SIGTRAP: 'trace/breakpoint trap',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGKILL: 'killed',
  SIGUSR1: 'user defined signal 1',
  SIGSEGV: 'segmentation fault',
  SIGUSR2: 'user defined signal 2',
  SIGPIPE: 'broken pipe',
  SIGALRM: 'alarm clock',
  SIGTERM: 'terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'file size limit exceeded',
  SIGSYS: 'bad system call',
};

/** The text after `Error: ` in a Runtime.ExitError message. */
export function exitReason(exit: SandboxExit): string {
  if (exit.signal !== null) return `Runtime exited with error: signal: ${SIGNAL_NAMES[exit.signal] ?? exit.signal}`;
  if (exit.code !== null && exit.code !== 0) return `Runtime exited with error: exit status ${exit.code}`;
  return 'Runtime exited without providing a reason';
}
