// process.env as the Node runtime sets it up: the trace id in JavaScript, everything else in the
// real environment (trace-id-env.cts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const moduleUrl = new URL('./node/trace-id-env.cjs', import.meta.url);

/** Runs `body` in a fresh Node process with process.env wrapped as the runtime wraps it; returns its JSON output. */
function inWrappedProcess(body: string, env: Record<string, string> = {}): unknown {
  const script = `const { traceIdEnv } = require(${JSON.stringify(fileURLToPath(moduleUrl))});
const traced = traceIdEnv(process.env); process.env = traced.env;
(async () => { ${body} })().then((out) => process.stdout.write(JSON.stringify(out)));`;
  const output = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output) as unknown;
}

describe('process.env with the trace id kept in JavaScript', () => {
  it('reads, lists, copies and deletes the trace id like any variable, and children inherit it', () => {
    const seen = inWrappedProcess(
      `traced.setTraceId('Root=1-abc'); const spread = { ...process.env };
      const child = require('node:child_process').execFileSync('/bin/sh', ['-c', 'echo "$_X_AMZN_TRACE_ID|$KEEP"'], { encoding: 'utf8' }).trim();
      const listed = Object.keys(process.env).includes('_X_AMZN_TRACE_ID'); const has = '_X_AMZN_TRACE_ID' in process.env;
      process.env._X_AMZN_TRACE_ID = 'Root=1-set-by-handler'; const set = process.env._X_AMZN_TRACE_ID;
      traced.setTraceId(undefined); const gone = [process.env._X_AMZN_TRACE_ID ?? null, '_X_AMZN_TRACE_ID' in process.env, Object.keys(process.env).includes('_X_AMZN_TRACE_ID')];
      return { read: spread._X_AMZN_TRACE_ID, keep: spread.KEEP, child, listed, has, set, gone, json: JSON.parse(JSON.stringify(process.env)).KEEP };`,
      { KEEP: 'kept' },
    );
    assert.deepEqual(seen, {
      read: 'Root=1-abc',
      keep: 'kept',
      child: 'Root=1-abc|kept',
      listed: true,
      has: true,
      set: 'Root=1-set-by-handler',
      gone: [null, false, false],
      json: 'kept',
    });
  });

  it('sends every other variable to the real environment: TZ still changes the time zone', () => {
    const seen = inWrappedProcess(
      `const d = new Date(Date.UTC(2026, 0, 1, 12)); process.env.TZ = 'Asia/Tokyo'; const tokyo = d.getHours();
      process.env.TZ = 'UTC'; const utc = d.getHours(); process.env.EXTRA = 42; delete process.env.KEEP;
      const child = require('node:child_process').execFileSync('/bin/sh', ['-c', 'echo "$EXTRA|\${KEEP:-none}"'], { encoding: 'utf8' }).trim();
      return { tokyo, utc, extra: process.env.EXTRA, child };`,
      { KEEP: 'kept' },
    );
    assert.deepEqual(seen, { tokyo: 21, utc: 12, extra: '42', child: '42|none' });
  });

  it('does not grow the process by a new C string per invocation (glibc setenv never frees the old one)', () => {
    const loop = (set: string): string =>
      `const before = process.memoryUsage().rss;
      for (let i = 0; i < 300000; i++) ${set}('Root=1-' + i.toString(16).padStart(8, '0') + '-' + 'a'.repeat(24) + ';Sampled=0');
      return (process.memoryUsage().rss - before) / 1e6;`;
    // The same loop through the real environment shows what the measurement catches (~52 MB here).
    const real = execFileSync(
      process.execPath,
      [
        '-e',
        `const set = (id) => { process.env._X_AMZN_TRACE_ID = id; }; process.stdout.write(String((() => { ${loop('set')} })()));`,
      ],
      { encoding: 'utf8' },
    );
    const wrapped = inWrappedProcess(`const set = (id) => traced.setTraceId(id); ${loop('set')}`) as number;
    assert.ok(
      Number(real) > 30,
      `through setenv the process grew only ${Number(real).toFixed(1)} MB: the measurement is blind`,
    );
    assert.ok(wrapped < 15, `kept in JavaScript, the process still grew ${wrapped.toFixed(1)} MB`);
  });
});
