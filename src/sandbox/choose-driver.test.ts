import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IsolationMode } from '../config/config.js';
import { decideIsolation } from './choose-driver.js';
import type { IsolationSupport } from './isolation/detect-isolation.js';

const works: IsolationSupport = { available: true, cgroupVersion: 1, warnings: [] };
const missing: IsolationSupport = { available: false, reason: 'bubblewrap (bwrap) is not installed', warnings: [] };

describe('decideIsolation', () => {
  const cases: ReadonlyArray<{
    mode: IsolationMode;
    support: IsolationSupport | undefined;
    use: 'isolated' | 'process';
    warns: boolean;
    refuses: boolean;
  }> = [
    { mode: 'auto', support: works, use: 'isolated', warns: false, refuses: false },
    { mode: 'auto', support: missing, use: 'process', warns: true, refuses: false },
    { mode: 'required', support: works, use: 'isolated', warns: false, refuses: false },
    { mode: 'required', support: missing, use: 'process', warns: false, refuses: true },
    { mode: 'off', support: undefined, use: 'process', warns: false, refuses: false },
    { mode: 'off', support: works, use: 'process', warns: false, refuses: false },
  ];
  for (const { mode, support, use, warns, refuses } of cases) {
    it(`${mode} with isolation ${support?.available === true ? 'available' : 'unavailable'} → ${use}${warns ? ', warning' : ''}${refuses ? ', refusing to start' : ''}`, () => {
      const decision = decideIsolation(mode, support);
      assert.equal(decision.use, use);
      assert.equal(decision.warning !== undefined, warns);
      assert.equal(decision.refuse !== undefined, refuses);
      if (warns) assert.match(decision.warning ?? '', /NOT isolated: bubblewrap \(bwrap\) is not installed/);
      if (refuses) assert.equal(decision.refuse, 'bubblewrap (bwrap) is not installed');
    });
  }
});
