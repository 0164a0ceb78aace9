// Classic BPF for seccomp, assembled by hand: the `struct sock_filter` instructions a seccomp filter
// is made of (linux/filter.h, linux/seccomp.h), their 8-byte encoding, and an evaluator over
// `struct seccomp_data` so a filter can be table-tested without a kernel. bwrap's `--seccomp <fd>`
// reads exactly the encoded instructions, back to back.

/** One `struct sock_filter`: u16 code, u8 jt, u8 jf, u32 k. */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

// Opcodes (linux/bpf_common.h): class | size | mode, class | op | source.
const BPF_LD_W_ABS = 0x00 | 0x00 | 0x20;
const BPF_JMP_JEQ_K = 0x05 | 0x10 | 0x00;
const BPF_JMP_JGE_K = 0x05 | 0x30 | 0x00;
const BPF_JMP_JSET_K = 0x05 | 0x40 | 0x00;
const BPF_RET_K = 0x06 | 0x00;

/** Offsets in `struct seccomp_data` { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }. */
export const SECCOMP_DATA = { nr: 0, arch: 4, args: 16 } as const;

/** Return values (linux/seccomp.h). */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
export const retErrno = (errno: number): number => (SECCOMP_RET_ERRNO | (errno & 0xffff)) >>> 0;

export const load = (offset: number): BpfInstruction => ({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: offset });
export const jumpIfEqual = (k: number, jt: number, jf: number): BpfInstruction => jump(BPF_JMP_JEQ_K, k, jt, jf);
export const jumpIfAtLeast = (k: number, jt: number, jf: number): BpfInstruction => jump(BPF_JMP_JGE_K, k, jt, jf);
export const jumpIfAnyBit = (k: number, jt: number, jf: number): BpfInstruction => jump(BPF_JMP_JSET_K, k, jt, jf);
export const ret = (k: number): BpfInstruction => ({ code: BPF_RET_K, jt: 0, jf: 0, k: k >>> 0 });

function jump(code: number, k: number, jt: number, jf: number): BpfInstruction {
  for (const offset of [jt, jf])
    if (!Number.isInteger(offset) || offset < 0 || offset > 255) throw new RangeError(`jump offset ${offset}`);
  return { code, jt, jf, k: k >>> 0 };
}

/** The instructions as the kernel reads them: little-endian (x86_64 and aarch64). */
export function encodeProgram(program: readonly BpfInstruction[]): Buffer {
  // BPF_MAXINSNS (linux/bpf_common.h).
  if (program.length === 0 || program.length > 4096) throw new RangeError(`program of ${program.length} instructions`);
  const out = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(insn.jt, i * 8 + 2);
    out.writeUInt8(insn.jf, i * 8 + 3);
    out.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return out;
}

/** What the kernel sees of one system call. */
export interface SeccompData {
  readonly nr: number;
  readonly arch: number;
  /** The low 32 bits of each argument (all a filter here reads). */
  readonly args?: readonly number[];
}

/**
 * Runs the program over one system call, as the kernel would, and returns the action. Only the
 * instructions assembled above are understood; anything else, or falling off the end, throws.
 */
export function evaluate(program: readonly BpfInstruction[], data: SeccompData): number {
  const word = (offset: number): number => {
    if (offset === SECCOMP_DATA.nr) return data.nr >>> 0;
    if (offset === SECCOMP_DATA.arch) return data.arch >>> 0;
    const arg = (offset - SECCOMP_DATA.args) / 8;
    if (Number.isInteger(arg) && arg >= 0 && arg < 6) return (data.args?.[arg] ?? 0) >>> 0;
    throw new Error(`load of offset ${offset}`);
  };
  let accumulator = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const insn = program[pc]!;
    switch (insn.code) {
      case BPF_LD_W_ABS:
        accumulator = word(insn.k);
        break;
      case BPF_JMP_JEQ_K:
        pc += accumulator === insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP_JGE_K:
        pc += accumulator >= insn.k ? insn.jt : insn.jf;
        break;
      case BPF_JMP_JSET_K:
        pc += (accumulator & insn.k) !== 0 ? insn.jt : insn.jf;
        break;
      case BPF_RET_K:
        return insn.k;
      default:
        throw new Error(`opcode ${insn.code} at ${pc}`);
    }
  }
  throw new Error('fell off the end of the program');
}
