import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  entryPath,
  entryShape,
  layoutConflict,
  overlappingEntries,
  symlinkDestination,
  symlinkTarget,
  type EntryKind,
} from './zip-entry-policy.js';

void describe('entryPath', () => {
  const cases: [string, string | null][] = [
    ['index.js', 'index.js'],
    ['lib/a.js', 'lib/a.js'],
    ['lib/', 'lib'],
    ['./lib//a.js', 'lib/a.js'],
    ['a/../b.js', 'b.js'],
    ['./', ''],
    ['lib\\win.js', 'lib/win.js'],
    ['../evil', null],
    ['..', null],
    ['a/../../b', null],
    ['../../etc/cron.d/x', null],
    ['..\\..\\x', null],
    ['/etc/passwd', null],
    ['\\etc\\passwd', null],
    ['C:/Windows/x', null],
    ['c:x', null],
    ['ok\0.js', null],
  ];
  for (const [name, expected] of cases) {
    void it(`${JSON.stringify(name)} → ${expected === null ? 'refused' : JSON.stringify(expected)}`, () => {
      const verdict = entryPath(name);
      assert.deepEqual(verdict.ok ? verdict.value : null, expected);
    });
  }
});

void describe('entryShape', () => {
  const attrs = (mode: number) => (mode << 16) >>> 0;
  const cases: [string, number, { kind: EntryKind; mode: number } | null][] = [
    ['index.js', attrs(0o100644), { kind: 'file', mode: 0o644 }],
    ['index.js', attrs(0o100600), { kind: 'file', mode: 0o644 }],
    ['bootstrap', attrs(0o100755), { kind: 'file', mode: 0o755 }],
    ['only-owner-exec', attrs(0o100700), { kind: 'file', mode: 0o755 }],
    ['setuid', attrs(0o104755), { kind: 'file', mode: 0o755 }],
    ['setgid', attrs(0o102644), { kind: 'file', mode: 0o644 }],
    ['sticky/', attrs(0o041777), { kind: 'directory', mode: 0o755 }],
    ['dir-by-mode', attrs(0o040700), { kind: 'directory', mode: 0o755 }],
    ['windows.txt', 0x20, { kind: 'file', mode: 0o644 }],
    ['windows-dir/', 0x10, { kind: 'directory', mode: 0o755 }],
    ['no-type-bits', attrs(0o755), { kind: 'file', mode: 0o755 }],
    ['link', attrs(0o120777), { kind: 'symlink', mode: 0o777 }],
    ['char-device', attrs(0o020644), null],
    ['block-device', attrs(0o060644), null],
    ['fifo', attrs(0o010644), null],
    ['socket', attrs(0o140755), null],
  ];
  for (const [name, attributes, expected] of cases) {
    void it(`${name} (${(attributes >>> 16).toString(8)}) → ${expected ? `${expected.kind} ${expected.mode.toString(8)}` : 'refused'}`, () => {
      const verdict = entryShape(name, attributes);
      assert.deepEqual(verdict.ok ? verdict.value : null, expected);
    });
  }
});

void describe('symlinkTarget', () => {
  const cases: [string, boolean][] = [
    ['lib/real.js', true],
    ['../sibling', true], // whether it escapes is symlinkDestination's call
    ['/etc', false],
    ['C:/Windows', false],
    ['..\\..\\x', false],
    ['', false],
    ['a\0b', false],
    ['x'.repeat(4096), false],
  ];
  for (const [target, allowed] of cases) {
    void it(`${JSON.stringify(target.slice(0, 20))} → ${allowed ? 'allowed' : 'refused'}`, () => {
      assert.equal(symlinkTarget(target).ok, allowed);
    });
  }
});

void describe('symlinkDestination', () => {
  const cases: [string, [string, string][], 'inside' | 'outside' | 'loop'][] = [
    ['alias.js', [['alias.js', 'lib/real.js']], 'inside'],
    ['lib/up', [['lib/up', '..']], 'inside'],
    ['lib/up', [['lib/up', '../..']], 'outside'],
    ['a/b/c', [['a/b/c', '../../x/../y']], 'inside'],
    ['a', [['a', 'b/../../etc']], 'outside'],
    [
      'x',
      [
        ['a/b/up', '../..'],
        ['x', 'a/b/up/..'],
      ],
      'outside',
    ], // each looks inside alone
    [
      'x',
      [
        ['a/b/up', '../..'],
        ['x', 'a/b/up/lib'],
      ],
      'inside',
    ],
    [
      'x',
      [
        ['abs', '/etc'],
        ['x', 'abs/passwd'],
      ],
      'outside',
    ],
    [
      'p',
      [
        ['p', 'q'],
        ['q', 'p'],
      ],
      'loop',
    ],
    ['self', [['self', 'self/x']], 'loop'],
  ];
  for (const [link, entries, expected] of cases) {
    void it(`${link} with ${entries.map(([l, t]) => `${l}->${t}`).join(', ')} → ${expected}`, () => {
      assert.equal(symlinkDestination(link, new Map(entries)), expected);
    });
  }
});

void describe('layoutConflict', () => {
  const cases: [string, [string, EntryKind][], boolean][] = [
    [
      'a plain tree',
      [
        ['lib', 'directory'],
        ['lib/a.js', 'file'],
        ['index.js', 'file'],
      ],
      false,
    ],
    [
      'a directory listed twice',
      [
        ['lib', 'directory'],
        ['lib', 'directory'],
      ],
      false,
    ],
    [
      'a file listed twice',
      [
        ['a.js', 'file'],
        ['a.js', 'file'],
      ],
      true,
    ],
    [
      'a link and a file of one name',
      [
        ['a', 'symlink'],
        ['a', 'file'],
      ],
      true,
    ],
    [
      'an entry below a file',
      [
        ['a', 'file'],
        ['a/b', 'file'],
      ],
      true,
    ],
    [
      'an entry below a file listed later',
      [
        ['a/b', 'file'],
        ['a', 'file'],
      ],
      true,
    ],
    [
      'an entry below a symlink',
      [
        ['lnk', 'symlink'],
        ['lnk/shadow', 'file'],
      ],
      true,
    ],
  ];
  for (const [title, entries, conflicts] of cases) {
    void it(`${title} → ${conflicts ? 'conflict' : 'fine'}`, () => {
      const found = layoutConflict(entries.map(([path, kind]) => ({ path, kind })));
      assert.equal(found !== undefined, conflicts, found);
    });
  }
});

void describe('overlappingEntries', () => {
  const extent = (name: string, localHeaderOffset: number, compressedSize: number) => ({
    name,
    localHeaderOffset,
    compressedSize,
  });
  void it('accepts entries laid end to end', () => {
    assert.equal(overlappingEntries([extent('b', 140, 10), extent('a', 0, 100)]), undefined);
  });
  void it('finds two entries sharing one body (the non-recursive bomb)', () => {
    assert.deepEqual(overlappingEntries([extent('a', 0, 1000), extent('b', 40, 960)]), ['a', 'b']);
  });
  void it('finds two entries at the same offset', () => {
    assert.deepEqual(overlappingEntries([extent('a', 0, 5), extent('b', 0, 5)])?.length, 2);
  });
});
