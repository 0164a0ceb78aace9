// Row D24 of LAMBDA-BEHAVIOUR.md: the seccomp filter of isolated sandboxes, probed from inside real
// sandboxes with raw system calls (Python ctypes), and ordinary Node and Python work under it.
// Needs Linux and root; skips with the reason otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hostSeccompArch } from '../isolation/seccomp-filter.js';
import { syscallNumber, type SyscallName } from '../isolation/syscall-table.js';
import {
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const arch = hostSeccompArch();
const skip =
  (await isolationSkipReason()) ?? (arch === undefined ? `no seccomp filter for ${process.arch}` : undefined);

/** Each probe: a system call with harmless arguments, run in a child process so that one that succeeds changes nothing. */
const PROBES: ReadonlyArray<readonly [SyscallName, readonly number[]]> = [
  ['unshare', [0x10000000]], // CLONE_NEWUSER: what `unshare -r` does
  ['mount', [0, 0, 0, 0, 0]],
  ['setns', [-1, 0]],
  ['bpf', [0, 0, 0]],
  ['keyctl', [0, -3, 0]], // KEYCTL_GET_KEYRING_ID of the session keyring: allowed to anyone
  ['add_key', [0, 0, 0, 0, 0]],
  ['perf_event_open', [0, 0, -1, -1, 0]],
  ['userfaultfd', [1]], // UFFD_USER_MODE_ONLY: allowed to anyone on 5.11+
  ['init_module', [0, 0, 0]],
  ['kexec_load', [0, 0, 0, 0]],
  ['open_by_handle_at', [-1, 0, 0]],
  ['ptrace', [0, 0, 0, 0]], // PTRACE_TRACEME
  ['clone3', [0, 0]],
];

const PROBE_SCRIPT = `
import ctypes, errno, json, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
out = {}
for name, nr, args in json.loads(sys.argv[1]):
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    out[name] = 'ok' if r >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
print(json.dumps(out))
`;

const pythonProber = {
  runtime: 'python3.12',
  handler: 'app.handler',
  files: {
    'probe.py': PROBE_SCRIPT,
    'app.py': `import json, subprocess, sys, threading
def handler(event, context):
    probes = subprocess.run([sys.executable, '/var/task/probe.py', json.dumps(event['probes'])], capture_output=True, text=True, check=True)
    unshare = subprocess.run(['unshare', '-r', 'true'], capture_output=True, text=True)
    seccomp = [l.split(':')[1].strip() for l in open('/proc/self/status') if l.startswith('Seccomp:')][0]
    results = []
    t = threading.Thread(target=lambda: results.append('thread ran')); t.start(); t.join()
    return {'probes': json.loads(probes.stdout), 'unshare': unshare.returncode, 'unshareError': unshare.stderr.strip(), 'seccomp': seccomp, 'thread': results}
`,
  },
};

const probes = PROBES.map(([name, args]) => [name, syscallNumber(name, arch ?? 'x64'), args]);

describe('isolated driver: seccomp (D24)', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  let unfiltered: IsolatedHarness;
  before(async () => {
    harness = await isolatedHarness();
    unfiltered = await isolatedHarness({ seccomp: false });
  });
  after(async () => {
    await harness?.close();
    await unfiltered?.close();
  });

  it('denies the dangerous calls with EPERM (clone3 with ENOSYS, so libc falls back to clone)', async () => {
    const sandbox = await harness.start(pythonProber);
    const seen = successPayload<{
      probes: Record<string, string>;
      unshare: number;
      unshareError: string;
      seccomp: string;
      thread: string[];
    }>(await sandbox.invoke({ probes }));
    assert.equal(seen.seccomp, '2', 'the runtime runs in seccomp filter mode');
    const expected = Object.fromEntries(PROBES.map(([name]) => [name, name === 'clone3' ? 'ENOSYS' : 'EPERM']));
    assert.deepEqual(seen.probes, expected);
    assert.equal(seen.unshare, 1);
    assert.match(seen.unshareError, /Operation not permitted/);
    assert.deepEqual(seen.thread, ['thread ran'], 'threads (clone without namespace flags) still work');
  });

  it('without the filter the same probes get through, so the filter is what stops them', async () => {
    const sandbox = await unfiltered.start(pythonProber);
    const seen = successPayload<{ probes: Record<string, string>; seccomp: string }>(await sandbox.invoke({ probes }));
    assert.equal(seen.seccomp, '0');
    assert.equal(seen.probes['keyctl'], 'ok');
    assert.equal(seen.probes['ptrace'], 'ok');
    assert.notEqual(seen.probes['clone3'], 'ENOSYS');
    assert.notEqual(seen.probes['setns'], 'EPERM');
  });

  it('ordinary Node work runs under it: child processes, worker threads, crypto, files in /tmp', async () => {
    const sandbox = await harness.start({
      files: {
        'index.mjs': `import cp from 'node:child_process'; import fs from 'node:fs/promises'; import crypto from 'node:crypto'; import { Worker } from 'node:worker_threads';
export const handler = async () => {
  const ls = cp.execFileSync('/bin/ls', ['/var/task'], { encoding: 'utf8' }).trim();
  const fromWorker = await new Promise((resolve, reject) => { const w = new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true }); w.once('message', resolve); w.once('error', reject); });
  await fs.writeFile('/tmp/x', crypto.randomBytes(16)); const size = (await fs.stat('/tmp/x')).size;
  const unshare = cp.spawnSync('unshare', ['-r', 'true']).status;
  return { ls, fromWorker, size, unshare };
};`,
      },
    });
    assert.deepEqual(successPayload(await sandbox.invoke({})), {
      ls: 'index.mjs',
      fromWorker: 42,
      size: 16,
      unshare: 1,
    });
  });
});
