// _X_AMZN_TRACE_ID as the Python runtime sets it (python/hearth_runtime/trace_id_env.py): the current
// invocation's trace id everywhere a handler or its children can look, without a glibc setenv() per
// invocation, whose replaced strings are never freed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { launchFor } from './runtime-catalog.js';
import { parseJson, testInterpreters, withSandbox, type TestSandbox } from './test-sandbox.js';

const runtimeDir = launchFor('python3.12', testInterpreters).runtimeDir;

/** A trace header as the platform sends it, new for every `n`. */
const traceHeader = (n: number): string =>
  `Root=1-${n.toString(16).padStart(8, '0')}-${'a'.repeat(24)};Parent=${'b'.repeat(16)};Sampled=1`;

/** Runs a Python script with the runtime's helpers importable; returns its JSON output. */
function inPython(script: string): unknown {
  const output = execFileSync(testInterpreters.python, ['-s', '-c', script], {
    env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONPATH: runtimeDir, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  return JSON.parse(output) as unknown;
}

function withPython(files: Record<string, string>, body: (sandbox: TestSandbox) => Promise<void>): Promise<void> {
  return withSandbox({ runtime: 'python3.12', handler: 'app.handler', files }, body);
}

// What a handler can read the trace id from. A child started with env=None inherits the C environment
// (fork/exec, or posix_spawn with close_fds=False); native code calls getenv().
const viewsHandler = `import ctypes, os, subprocess
K = "_X_AMZN_TRACE_ID"
libc = ctypes.CDLL(None)
libc.getenv.restype = ctypes.c_char_p
libc.getenv.argtypes = (ctypes.c_char_p,)
SHOW = ["/bin/sh", "-c", 'printf %s "\${_X_AMZN_TRACE_ID-(unset)}"']

def child(**options):
    out = subprocess.run(SHOW, stdout=subprocess.PIPE, check=True, **options).stdout.decode()
    return None if out == "(unset)" else out

def handler(event, context):
    native = libc.getenv(K.encode())
    views = {
        "environ": os.environ.get(K), "getenv": os.getenv(K), "in": K in os.environ,
        "items": [v for k, v in os.environ.items() if k == K], "copy": os.environ.copy().get(K),
        "environb": (os.environb.get(K.encode()) or b"").decode() or None,
        "native": native.decode() if native is not None else None,
        "child": child(), "spawned": child(close_fds=False), "popen": os.popen(SHOW[2]).read().replace("(unset)", "") or None,
    }
    if event.get("then") == "assign":
        os.environ[K] = "Root=1-set-by-the-handler"
    elif event.get("then") == "delete":
        del os.environ[K]
    return views
`;

/** The views a handler should see when the invocation's trace id is `traceId`. */
function seen(traceId: string | undefined): Record<string, unknown> {
  const value = traceId ?? null;
  return {
    environ: value,
    getenv: value,
    in: traceId !== undefined,
    items: traceId === undefined ? [] : [traceId],
    copy: value,
    environb: value,
    native: value,
    child: value,
    spawned: value,
    popen: value,
  };
}

describe('python runtime: _X_AMZN_TRACE_ID', () => {
  it('shows every invocation its own trace id in os.environ, native getenv and child processes, never an older one', async () => {
    await withPython({ 'app.py': viewsHandler }, async ({ api }) => {
      // The first invocation runs before the leak-free path is prepared; the long one outgrows its
      // first buffer; the short one after it must not show the long one's tail.
      const steps: Array<[string | undefined, Record<string, string>]> = [
        ['Root=1-00000001-first;Sampled=1', {}],
        [traceHeader(2), {}],
        [`${traceHeader(3)};Lineage=${'c'.repeat(400)}`, {}],
        ['Root=1-4', {}],
        [undefined, {}],
        [traceHeader(6), { then: 'assign' }],
        [traceHeader(7), { then: 'delete' }],
        [traceHeader(8), {}],
        [undefined, { then: 'assign' }],
        ['Root=1-10', {}],
      ];
      for (const [index, [traceId, event]] of steps.entries()) {
        const result = await api.invoke(event, traceId === undefined ? {} : { traceId });
        assert.equal(result.kind, 'response', result.body);
        assert.deepEqual(parseJson(result.body), seen(traceId), `invocation ${index + 1}`);
      }
    });
  });

  it('does not grow the runtime process by a C string per invocation, as one setenv per invocation does', async () => {
    // The handler answers the bytes glibc's malloc has handed out and not got back (mallinfo2, glibc 2.33+):
    // exact, where RSS moves in pages and needs ten times the invocations to show the same.
    const files = {
      'app.py':
        'import ctypes, os\n' +
        'class Info(ctypes.Structure):\n' +
        '    _fields_ = [(name, ctypes.c_size_t) for name in "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks".split()]\n' +
        'mallinfo2 = ctypes.CDLL(None).mallinfo2\n' +
        'mallinfo2.restype = Info\n' +
        'def handler(event, context):\n' +
        '    if event.get("setenv"):\n' +
        '        os.environ["HEARTH_TEST_VARIABLE"] = os.environ["_X_AMZN_TRACE_ID"]\n' +
        '    return mallinfo2().uordblks\n',
    };
    await withPython(files, async ({ api }) => {
      let n = 0;
      /** Heap growth, in bytes per invocation, over `count` invocations with new trace ids. */
      const growth = async (count: number, event: object): Promise<number> => {
        const heap = async (): Promise<number> => Number((await api.invoke(event, { traceId: traceHeader(++n) })).body);
        const before = await heap();
        await Promise.all(Array.from({ length: count - 1 }, () => api.invoke(event, { traceId: traceHeader(++n) })));
        return ((await heap()) - before) / count;
      };
      await growth(500, {}); // warm: the leak-free path, the interpreter's caches
      const runtime = await growth(3_000, {});
      // The same invocations plus one setenv each show what the measurement catches (144 B here).
      const setenv = await growth(3_000, { setenv: true });
      assert.ok(setenv > 80, `with a setenv per invocation the heap grew only ${setenv.toFixed(0)} B each: blind`);
      assert.ok(runtime < 30, `the runtime alone still grew the heap ${runtime.toFixed(0)} B per invocation`);
    });
  });
});

describe('TraceIdEnvironment', () => {
  const loop = (set: string): string =>
    `import json, os
from hearth_runtime.trace_id_env import TraceIdEnvironment
traced = TraceIdEnvironment(os.environ); traced.prepare()
setenv = lambda value: os.environ.__setitem__("_X_AMZN_TRACE_ID", value)
rss = lambda: int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
before = rss()
for i in range(200000):
    ${set}("Root=1-%08x-%s;Parent=%s;Sampled=0" % (i, "a" * 24, "b" * 16))
print(json.dumps((rss() - before) / 1e6))`;

  it('does not grow the process by a new C string per trace id (glibc setenv never frees the old one)', () => {
    // The same loop through os.environ shows what the measurement catches (~29 MB here).
    const real = inPython(loop('setenv'));
    const kept = inPython(loop('traced.set'));
    assert.ok(Number(real) > 15, `through setenv the process grew only ${Number(real).toFixed(1)} MB: blind`);
    assert.ok(Number(kept) < 5, `with the runtime's buffer the process still grew ${Number(kept).toFixed(1)} MB`);
  });

  it('keeps the plain os.environ path where it cannot do better: before prepare() and for a NUL', () => {
    const seenThere = inPython(`import json, os
from hearth_runtime.trace_id_env import TraceIdEnvironment
traced = TraceIdEnvironment(os.environ)
traced.set("Root=1-unprepared"); first = os.environ["_X_AMZN_TRACE_ID"]
traced.prepare(); traced.set("Root=1-prepared"); second = os.popen('printf %s "$_X_AMZN_TRACE_ID"').read()
try:
    traced.set("Root=1-\\0nul"); nul = "accepted"
except ValueError as e:
    nul = str(e)
print(json.dumps([first, second, nul, os.environ["_X_AMZN_TRACE_ID"]]))`);
    assert.deepEqual(seenThere, ['Root=1-unprepared', 'Root=1-prepared', 'embedded null byte', 'Root=1-prepared']);
  });
});
