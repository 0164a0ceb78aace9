import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStartFailure } from './start-failure.js';

function systemError(code: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} something`), { code, ...fields });
}

test('start-up failures say which flag or variable to change', () => {
  const config = { host: '127.0.0.1', port: 4280 };
  const cases: [unknown, string][] = [
    [
      systemError('EADDRINUSE', { syscall: 'listen' }),
      'Port 4280 is in use; choose another with --port or HEARTH_PORT',
    ],
    [
      new Error('listen failed', { cause: systemError('EADDRINUSE') }),
      'Port 4280 is in use; choose another with --port or HEARTH_PORT',
    ],
    [
      systemError('EADDRNOTAVAIL', { syscall: 'listen' }),
      'Cannot listen on 127.0.0.1: it is not an address of this machine; choose another with --host or HEARTH_HOST',
    ],
    [
      systemError('EACCES', { syscall: 'mkdir', path: '/root/.hearth' }),
      'Cannot write to /root/.hearth (EACCES); choose a writable data dir with --data-dir or HEARTH_DATA_DIR',
    ],
    [new Error('database is locked'), 'Hearth could not start: database is locked'],
  ];
  for (const [error, message] of cases) assert.equal(describeStartFailure(error, config), message);
});

test('a privileged port names the reason', () => {
  const message = describeStartFailure(systemError('EACCES', { syscall: 'listen' }), { host: '0.0.0.0', port: 80 });
  assert.equal(
    message,
    'Not allowed to listen on 0.0.0.0:80 (ports below 1024 need root); choose another port with --port or HEARTH_PORT',
  );
});
