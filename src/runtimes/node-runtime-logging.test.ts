// End-to-end tests of the Node runtime client's log records, and a smoke check of its speed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson as json, withSandbox, type SandboxOptions, type TestSandbox } from './test-sandbox.js';

function withNode(
  files: SandboxOptions['files'],
  handler: string,
  body: (sandbox: TestSandbox) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  return withSandbox({ runtime: 'nodejs20.x', handler, files, env }, body);
}

describe('node runtime: logging', () => {
  it('writes one text record per console call, with request id, level and \\r for inner newlines', async () => {
    const files = {
      'index.js':
        'console.log("at init");\n' +
        'exports.handler = async (e) => { console.log("hello %s", "world", { a: 1 }); console.info("i"); console.warn("w");\n' +
        '  console.error("two\\nlines"); console.debug("d"); console.trace("t"); process.stdout.write("raw\\n"); return 1; };',
    };
    await withNode(files, 'index.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({}, { requestId: 'log-req' });
      assert.equal(result.body, '1');
      // Everything was written before the response was posted.
      const lines = sandbox
        .stdout()
        .split('\n')
        .filter((l) => l !== '');
      const records = lines.map((l) => l.split('\t'));
      assert.equal(lines.at(-1), 'raw', 'process.stdout.write is left as it is');
      const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
      assert.deepEqual(records[0]!.slice(1), ['undefined', 'INFO', 'at init']);
      assert.match(records[0]![0]!, ts);
      assert.deepEqual(
        records.slice(1).map((r) => r.slice(1)),
        [
          ['log-req', 'INFO', 'hello world { a: 1 }'],
          ['log-req', 'INFO', 'i'],
          ['log-req', 'WARN', 'w'],
          ['log-req', 'ERROR', 'two\rlines'],
          ['log-req', 'DEBUG', 'd'],
          ['log-req', 'TRACE', 't'],
          [],
        ],
      );
    });
  });

  it('writes JSON records and filters by level when AWS_LAMBDA_LOG_FORMAT is JSON', async () => {
    const files = {
      'index.js': 'exports.handler = async () => { console.debug("hidden"); console.warn("shown"); return 1; };',
    };
    const env = { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'INFO' };
    await withNode(
      files,
      'index.handler',
      async (sandbox) => {
        await sandbox.api.invoke({}, { requestId: 'json-req' });
        const records = sandbox.stdout().trim().split('\n').map(json);
        assert.equal(records.length, 1);
        assert.equal(records[0]!['level'], 'WARN');
        assert.equal(records[0]!['message'], 'shown');
        assert.equal(records[0]!['requestId'], 'json-req');
      },
      env,
    );
  });
});

describe('node runtime: speed', () => {
  it('reaches the first GET /next quickly and keeps the warm round trip short', async () => {
    await withNode({ 'index.mjs': 'export const handler = async () => "ok";' }, 'index.handler', async (sandbox) => {
      const first = await sandbox.api.firstNext();
      const coldMs = first - sandbox.spawnedAt;
      for (let i = 0; i < 200; i++) await sandbox.api.invoke({ i });
      const rounds: number[] = [];
      for (let i = 0; i < 1000; i++) rounds.push((await sandbox.api.invoke({ i })).handlerMs);
      rounds.sort((a, b) => a - b);
      const p50 = rounds[500]!;
      const p99 = rounds[990]!;
      process.stderr.write(
        `node runtime: spawn → first /next ${coldMs.toFixed(1)} ms; warm /next→/response p50 ${(p50 * 1000).toFixed(0)} µs p99 ${(p99 * 1000).toFixed(0)} µs\n`,
      );
      // Generous bounds: this is a smoke check that nothing is badly wrong, not the benchmark.
      assert.ok(coldMs < 1_000, `cold start ${coldMs} ms`);
      assert.ok(p50 < 20, `warm p50 ${p50} ms`);
    });
  });
});
