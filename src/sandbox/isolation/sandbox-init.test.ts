import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { builtSandboxInit } from './sandbox-init.js';

/** True when `cc` runs here: then `npm run build` must have compiled the init. */
function hasCompiler(): boolean {
  try {
    execFileSync(process.env['CC'] ?? 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('sandbox init build', { skip: process.platform !== 'linux' ? 'Linux only' : undefined }, () => {
  it('is compiled wherever a C compiler is installed (a compile error must not pass as "no compiler")', (t) => {
    if (!hasCompiler()) return t.skip('no C compiler here');
    assert.ok(
      builtSandboxInit() !== undefined,
      'build/native/sandbox-init is missing: see the output of npm run build',
    );
  });

  it('refuses a malformed command line with exit 125, before anything runs', (t) => {
    const init = builtSandboxInit();
    if (init === undefined) return t.skip('this build has no init');
    for (const args of [
      ['x', '1', '0', '--', 'true'],
      ['1', '1', '0', 'true'],
      ['1', '1'],
    ]) {
      let status: number | null = null;
      try {
        execFileSync(init, args, { stdio: 'ignore' });
      } catch (error) {
        status = (error as { status: number | null }).status;
      }
      assert.equal(status, 125, args.join(' '));
    }
  });
});
