import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeProgram,
  evaluate,
  jumpIfEqual,
  load,
  ret,
  retErrno,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_KILL_PROCESS,
} from './seccomp-bpf.js';
import { DENIED, ENOSYS, EPERM, seccompFilter, seccompProgram } from './seccomp-filter.js';
import { AUDIT_ARCH, syscallNumber, SYSCALLS, type SeccompArch } from './syscall-table.js';

const ALLOW = SECCOMP_RET_ALLOW;
const KILL = SECCOMP_RET_KILL_PROCESS;
const DENY_EPERM = retErrno(EPERM);
const DENY_ENOSYS = retErrno(ENOSYS);
const AUDIT_ARCH_I386 = 0x40000003;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNET = 0x40000000;
// What glibc's pthread_create and fork pass to clone.
const THREAD_FLAGS = 0x003d0f00;
const FORK_FLAGS = 0x01200011;

describe('seccomp-bpf', () => {
  it('encodes struct sock_filter little-endian, 8 bytes each', () => {
    const bytes = encodeProgram([load(4), jumpIfEqual(0xc000003e, 1, 0), ret(SECCOMP_RET_ALLOW)]);
    assert.equal(bytes.toString('hex'), '20000000' + '04000000' + '15000100' + '3e0000c0' + '06000000' + '0000ff7f');
  });

  it('refuses jump offsets that do not fit a byte and empty programs', () => {
    assert.throws(() => jumpIfEqual(1, 256, 0), RangeError);
    assert.throws(() => jumpIfEqual(1, -1, 0), RangeError);
    assert.throws(() => encodeProgram([]), RangeError);
  });

  it('ERRNO actions carry the errno in the low 16 bits', () => {
    assert.equal(retErrno(EPERM), 0x00050001);
    assert.equal(retErrno(ENOSYS), 0x00050026);
  });
});

describe('seccomp filter', () => {
  const cases: ReadonlyArray<{
    arch: SeccompArch;
    call: string;
    nr: number;
    auditArch?: number;
    args?: number[];
    action: number;
  }> = [
    { arch: 'x64', call: 'read', nr: 0, action: ALLOW },
    { arch: 'x64', call: 'openat', nr: 257, action: ALLOW },
    { arch: 'x64', call: 'mount', nr: 165, action: DENY_EPERM },
    { arch: 'x64', call: 'unshare(CLONE_NEWUSER)', nr: 272, args: [CLONE_NEWUSER], action: DENY_EPERM },
    { arch: 'x64', call: 'setns', nr: 308, action: DENY_EPERM },
    { arch: 'x64', call: 'bpf', nr: 321, action: DENY_EPERM },
    { arch: 'x64', call: 'keyctl', nr: 250, action: DENY_EPERM },
    { arch: 'x64', call: 'perf_event_open', nr: 298, action: DENY_EPERM },
    { arch: 'x64', call: 'userfaultfd', nr: 323, action: DENY_EPERM },
    { arch: 'x64', call: 'init_module', nr: 175, action: DENY_EPERM },
    { arch: 'x64', call: 'kexec_load', nr: 246, action: DENY_EPERM },
    { arch: 'x64', call: 'open_by_handle_at', nr: 304, action: DENY_EPERM },
    { arch: 'x64', call: 'ptrace', nr: 101, action: DENY_EPERM },
    { arch: 'x64', call: 'iopl', nr: 172, action: DENY_EPERM },
    { arch: 'x64', call: 'clone3 (libc falls back to clone)', nr: 435, action: DENY_ENOSYS },
    { arch: 'x64', call: 'io_uring_setup (libuv falls back)', nr: 425, action: DENY_ENOSYS },
    { arch: 'x64', call: 'clone for a thread', nr: 56, args: [THREAD_FLAGS], action: ALLOW },
    { arch: 'x64', call: 'clone for fork', nr: 56, args: [FORK_FLAGS], action: ALLOW },
    { arch: 'x64', call: 'clone(CLONE_NEWUSER)', nr: 56, args: [CLONE_NEWUSER | 17], action: DENY_EPERM },
    { arch: 'x64', call: 'clone(CLONE_NEWNET)', nr: 56, args: [CLONE_NEWNET], action: DENY_EPERM },
    { arch: 'x64', call: 'x32 read', nr: 0x40000000, action: DENY_ENOSYS },
    { arch: 'x64', call: 'x32 mount', nr: 0x40000000 + 165, action: DENY_ENOSYS },
    { arch: 'x64', call: 'i386 mount via int 0x80', nr: 21, auditArch: AUDIT_ARCH_I386, action: KILL },
    { arch: 'x64', call: 'aarch64 call on x86_64', nr: 40, auditArch: AUDIT_ARCH.arm64, action: KILL },
    { arch: 'arm64', call: 'read', nr: 63, action: ALLOW },
    { arch: 'arm64', call: 'mount', nr: 40, action: DENY_EPERM },
    { arch: 'arm64', call: 'unshare', nr: 97, action: DENY_EPERM },
    { arch: 'arm64', call: 'clone for fork', nr: 220, args: [FORK_FLAGS], action: ALLOW },
    { arch: 'arm64', call: 'clone(CLONE_NEWUSER)', nr: 220, args: [CLONE_NEWUSER], action: DENY_EPERM },
    { arch: 'arm64', call: 'clone3', nr: 435, action: DENY_ENOSYS },
    { arch: 'arm64', call: 'nr 0x40000000 is no x32 call here', nr: 0x40000000, action: ALLOW },
    { arch: 'arm64', call: 'x86_64 call on aarch64', nr: 165, auditArch: AUDIT_ARCH.x64, action: KILL },
  ];
  for (const c of cases)
    it(`${c.arch}: ${c.call} → ${c.action.toString(16)}`, () => {
      const program = seccompFilter(c.arch);
      const data = {
        nr: c.nr,
        arch: c.auditArch ?? AUDIT_ARCH[c.arch],
        ...(c.args !== undefined ? { args: c.args } : {}),
      };
      assert.equal(evaluate(program, data).toString(16), c.action.toString(16));
    });

  it('denies every listed call on each architecture that has it, with its errno', () => {
    for (const arch of ['x64', 'arm64'] as const) {
      const program = seccompFilter(arch);
      for (const [name, errno] of DENIED) {
        const nr = syscallNumber(name, arch);
        if (nr === undefined) continue;
        assert.equal(evaluate(program, { nr, arch: AUDIT_ARCH[arch] }), retErrno(errno), `${arch} ${name}`);
      }
    }
  });

  it('allows every other call number up to 500 (clone with no flags included)', () => {
    for (const arch of ['x64', 'arm64'] as const) {
      const program = seccompFilter(arch);
      const denied = new Set(DENIED.map(([name]) => syscallNumber(name, arch)));
      for (let nr = 0; nr < 500; nr++)
        if (!denied.has(nr)) assert.equal(evaluate(program, { nr, arch: AUDIT_ARCH[arch] }), ALLOW, `${arch} nr ${nr}`);
    }
  });

  it('no two names share a number on one architecture', () => {
    for (const arch of ['x64', 'arm64'] as const) {
      const numbers = Object.keys(SYSCALLS).map((name) => syscallNumber(name as keyof typeof SYSCALLS, arch));
      const present = numbers.filter((n) => n !== undefined);
      assert.equal(new Set(present).size, present.length, arch);
    }
  });

  it('is encoded for x64 and arm64 only', () => {
    assert.equal(seccompProgram('x64')!.length, seccompFilter('x64').length * 8);
    assert.ok(seccompProgram('arm64'));
    assert.equal(seccompProgram('ia32'), undefined);
  });
});
