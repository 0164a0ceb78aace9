import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bwrapArguments, type BwrapInput } from './bwrap-arguments.js';

const input: BwrapInput = {
  setpriv: '/usr/bin/setpriv',
  uid: 100_001,
  gid: 100_001,
  argv: ['/usr/bin/node', '/var/runtime/bootstrap.cjs'],
  env: { SECRET: 'canary' },
  codeDir: '/data/code/abc',
  runtimeDir: '/opt/hearth/runtimes/node',
  hostPaths: ['/usr', '/root/.nvm/versions/node/v20'],
  systemRoots: [{ path: '/usr' }, { path: '/lib', symlink: 'usr/lib' }],
  etcDir: '/data/state/etc',
  etcBound: ['/etc/ssl/certs'],
  tmpDir: '/data/state/1/tmp',
  runtimeApiDir: '/tmp/hearth-1/1',
  socat: '/usr/bin/socat',
};

describe('bwrapArguments', () => {
  const { options, command } = bwrapArguments(input);

  it('passes the seccomp filter fd only when given one', () => {
    const withFilter = bwrapArguments({ ...input, seccompFd: 4 }).options;
    assert.deepEqual(withFilter.slice(withFilter.indexOf('--seccomp'), withFilter.indexOf('--seccomp') + 2), [
      '--seccomp',
      '4',
    ]);
    assert.ok(!options.includes('--seccomp'));
  });

  it('with internet, reports the pid on the info fd and waits on the block fd', () => {
    const withNetwork = bwrapArguments({ ...input, waitForNetwork: { infoFd: 5, blockFd: 6 } }).options;
    const at = withNetwork.indexOf('--info-fd');
    assert.deepEqual(withNetwork.slice(at, at + 4), ['--info-fd', '5', '--block-fd', '6']);
    assert.ok(withNetwork.includes('--unshare-net'), 'still its own network namespace');
    assert.ok(!options.includes('--block-fd'));
  });

  it('makes a network namespace unless its parked launcher already is in a new one', () => {
    assert.ok(options.includes('--unshare-net'));
    assert.ok(!bwrapArguments({ ...input, launcherNetwork: true }).options.includes('--unshare-net'));
  });

  it('starts from an empty environment holding only the spec', () => {
    assert.ok(options.indexOf('--clearenv') < options.indexOf('--setenv'));
    assert.deepEqual(options.slice(options.indexOf('--setenv'), options.indexOf('--setenv') + 3), [
      '--setenv',
      'SECRET',
      'canary',
    ]);
  });

  it('binds interpreter paths outside the system roots, with traversable 0755 parents', () => {
    const bind = options.indexOf('/root/.nvm/versions/node/v20');
    assert.equal(options[bind - 1], '--ro-bind');
    const made = options.indexOf('/root');
    assert.deepEqual(options.slice(made - 3, made + 1), ['--perms', '0755', '--dir', '/root']);
    assert.equal(options.filter((arg) => arg === '/usr').length, 2, '/usr is bound once, not again as a host path');
  });

  it('binds the prepared /dev with devices allowed, or lets bwrap make one', () => {
    const withView = bwrapArguments({ ...input, devDir: '/data/state/dev' }).options;
    const at = withView.indexOf('--dev-bind');
    assert.deepEqual(withView.slice(at, at + 3), ['--dev-bind', '/data/state/dev', '/dev']);
    assert.ok(!withView.includes('--dev'));
    assert.deepEqual(options.slice(options.indexOf('--dev'), options.indexOf('--dev') + 2), ['--dev', '/dev']);
    assert.ok(!options.includes('--dev-bind'));
  });

  it('binds the /etc view read-only, then the directories of links over it', () => {
    const at = options.indexOf('/data/state/etc');
    assert.deepEqual(options.slice(at - 1, at + 5), [
      '--ro-bind',
      '/data/state/etc',
      '/etc',
      '--ro-bind',
      '/etc/ssl/certs',
      '/etc/ssl/certs',
    ]);
    assert.equal(options.filter((arg) => arg.startsWith('/etc')).length, 3);
  });

  it('makes the root read-only after every mount, and runs in /var/task', () => {
    const remount = options.indexOf('--remount-ro');
    assert.ok(remount > options.lastIndexOf('--bind'));
    assert.deepEqual(options.slice(-2), ['--chdir', '/var/task']);
  });

  it('keeps host paths and the environment out of the command line', () => {
    for (const arg of command) {
      assert.ok(!arg.includes('/data/'), arg);
      assert.ok(!arg.includes('canary'), arg);
    }
  });

  it('drops to the sandbox uid before the launcher, and only waits for the forwarder for foreign runtimes', () => {
    assert.deepEqual(command.slice(0, 3), ['/usr/bin/setpriv', '--reuid=100001', '--regid=100001']);
    assert.ok(!command.join(' ').includes('/proc/net/tcp'));
    const provided = bwrapArguments({ ...input, argv: ['/var/task/bootstrap'] }).command.join(' ');
    assert.ok(provided.includes('/proc/net/tcp'));
  });

  it("with Hearth's init, runs it first with the uid, gid, and the port and socket it forwards, socat or not", () => {
    const init = '/run/hearth/runtime/init';
    const expected = [init, '100001', '100001', '9001', '/run/hearth/runtime/api.sock', '--'];
    assert.deepEqual(bwrapArguments({ ...input, init }).command, [...expected, ...input.argv]);
    assert.deepEqual(bwrapArguments({ ...input, init, argv: ['/var/task/bootstrap'] }).command, [
      ...expected,
      '/var/task/bootstrap',
    ]);
    const { socat: _none, ...withoutSocat } = input;
    assert.deepEqual(bwrapArguments({ ...withoutSocat, init }).command, [...expected, ...input.argv]);
  });

  it('binds the merged layers read-only at /opt, or makes an empty /opt without them', () => {
    const at = (args: string[], dest: string) => args.slice(args.indexOf(dest) - 2, args.indexOf(dest) + 1);
    assert.deepEqual(at(options, '/opt'), ['0755', '--dir', '/opt']);
    const layers = bwrapArguments({
      ...input,
      optDir: '/data/code/merged/f00',
      esmLinks: [
        { target: '/opt/nodejs/node20/node_modules', at: '/var/node_modules' },
        { target: '/opt/nodejs/node_modules', at: '/node_modules' },
      ],
    }).options;
    assert.deepEqual(at(layers, '/opt'), ['--ro-bind', '/data/code/merged/f00', '/opt']);
    assert.deepEqual(at(layers, '/var/node_modules'), [
      '--symlink',
      '/opt/nodejs/node20/node_modules',
      '/var/node_modules',
    ]);
    assert.deepEqual(at(layers, '/node_modules'), ['--symlink', '/opt/nodejs/node_modules', '/node_modules']);
    assert.ok(layers.indexOf('/opt') < layers.indexOf('--remount-ro'));
  });
});
