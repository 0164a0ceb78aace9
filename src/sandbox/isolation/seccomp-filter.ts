// The seccomp filter every isolated sandbox runs under (docs/isolation.md, LAMBDA-BEHAVIOUR row
// D24): a denylist of the system calls a function never needs and that widen the kernel's attack
// surface — mounts, namespaces, modules, kexec, bpf, perf, keyrings, handles, userfaultfd, clocks,
// ptrace — on top of what the sandbox's unprivileged uid and empty capability sets already refuse.
// Denied calls fail with EPERM, or ENOSYS where libc and libuv fall back to an older call (clone3 →
// clone, io_uring → the thread pool). clone is allowed unless it asks for a new namespace. A call
// of any other architecture (i386 through int 0x80, x32) never reaches the table: the process is
// killed, or the x32 call fails with ENOSYS.
import {
  encodeProgram,
  jumpIfAnyBit,
  jumpIfAtLeast,
  jumpIfEqual,
  load,
  ret,
  retErrno,
  SECCOMP_DATA,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_KILL_PROCESS,
  type BpfInstruction,
} from './seccomp-bpf.js';
import { AUDIT_ARCH, syscallNumber, X32_SYSCALL_BIT, type SeccompArch, type SyscallName } from './syscall-table.js';

export const EPERM = 1;
export const ENOSYS = 38;

/** Each denied call and the errno it gets. */
export const DENIED: ReadonlyArray<readonly [SyscallName, number]> = [
  // Tracing and reading other processes (uids and the pid namespace already stop the worst).
  ['ptrace', EPERM],
  ['process_vm_readv', EPERM],
  ['process_vm_writev', EPERM],
  // Mounts, old and new API, and leaving or making namespaces (a user namespace would hand the
  // function CAP_SYS_ADMIN over a fresh set of kernel code paths).
  ['mount', EPERM],
  ['umount2', EPERM],
  ['pivot_root', EPERM],
  ['fsopen', EPERM],
  ['fsconfig', EPERM],
  ['fsmount', EPERM],
  ['fspick', EPERM],
  ['move_mount', EPERM],
  ['open_tree', EPERM],
  ['mount_setattr', EPERM],
  ['unshare', EPERM],
  ['setns', EPERM],
  ['clone3', ENOSYS],
  // The machine itself.
  ['swapon', EPERM],
  ['swapoff', EPERM],
  ['reboot', EPERM],
  ['kexec_load', EPERM],
  ['kexec_file_load', EPERM],
  ['init_module', EPERM],
  ['finit_module', EPERM],
  ['delete_module', EPERM],
  ['acct', EPERM],
  ['quotactl', EPERM],
  ['quotactl_fd', EPERM],
  ['settimeofday', EPERM],
  ['clock_settime', EPERM],
  ['clock_adjtime', EPERM],
  ['adjtimex', EPERM],
  ['syslog', EPERM],
  ['sethostname', EPERM],
  ['setdomainname', EPERM],
  ['vhangup', EPERM],
  ['ioperm', EPERM],
  ['iopl', EPERM],
  ['uselib', EPERM],
  ['nfsservctl', EPERM],
  ['lookup_dcookie', EPERM],
  // Large kernel attack surfaces a function does not need.
  ['bpf', EPERM],
  ['perf_event_open', EPERM],
  ['userfaultfd', EPERM],
  ['keyctl', EPERM],
  ['add_key', EPERM],
  ['request_key', EPERM],
  ['open_by_handle_at', EPERM],
  ['name_to_handle_at', EPERM],
  ['io_uring_setup', ENOSYS],
  ['io_uring_enter', ENOSYS],
  ['io_uring_register', ENOSYS],
];

/** CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET} (linux/sched.h); clone's low byte is the exit signal. */
export const CLONE_NAMESPACE_FLAGS =
  0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/** The filter's instructions for one architecture. */
export function seccompFilter(arch: SeccompArch): BpfInstruction[] {
  const program: BpfInstruction[] = [
    load(SECCOMP_DATA.arch),
    jumpIfEqual(AUDIT_ARCH[arch], 1, 0),
    ret(SECCOMP_RET_KILL_PROCESS),
    load(SECCOMP_DATA.nr),
  ];
  if (arch === 'x64') program.push(jumpIfAtLeast(X32_SYSCALL_BIT, 0, 1), ret(retErrno(ENOSYS)));
  for (const [name, errno] of DENIED) {
    const nr = syscallNumber(name, arch);
    if (nr !== undefined) program.push(jumpIfEqual(nr, 0, 1), ret(retErrno(errno)));
  }
  const clone = syscallNumber('clone', arch);
  if (clone !== undefined)
    program.push(
      jumpIfEqual(clone, 0, 3),
      load(SECCOMP_DATA.args), // the low 32 bits of the flags (little-endian)
      jumpIfAnyBit(CLONE_NAMESPACE_FLAGS, 0, 1),
      ret(retErrno(EPERM)),
    );
  program.push(ret(SECCOMP_RET_ALLOW));
  return program;
}

/** The architecture of this process, if a filter exists for it. */
export function hostSeccompArch(arch: string = process.arch): SeccompArch | undefined {
  return arch === 'x64' || arch === 'arm64' ? arch : undefined;
}

/** The filter, encoded for bwrap's --seccomp fd; undefined on an architecture without one. */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  const known = hostSeccompArch(arch);
  return known === undefined ? undefined : encodeProgram(seccompFilter(known));
}
