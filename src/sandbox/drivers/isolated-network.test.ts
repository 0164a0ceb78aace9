// hearth:network=internet in real sandboxes (docs/isolation.md, rows D12 and D13): outbound internet
// through slirp4netns, while the host (its addresses, its loopback through the gateway), private and
// link-local ranges (169.254.169.254) and other sandboxes stay unreachable. Needs Linux, root and
// slirp4netns; skips with the reason otherwise.
import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { detectIsolation } from '../isolation/detect-isolation.js';
import { processStat } from '../isolation/owner-identity.js';
import { descendsFromThisProcess, processesWhere } from '../../testing/processes.js';
import {
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const skip =
  (await isolationSkipReason()) ??
  ((await detectIsolation()).tools?.network === undefined ? 'slirp4netns, nsenter or ip is not installed' : undefined);

/** A public host to try, when the host running the tests has internet at all. */
const PUBLIC = { host: 'deb.debian.org', port: 443 };
const hostHasInternet = await new Promise<boolean>((resolve) => {
  const socket = connect({ ...PUBLIC, timeout: 3000 });
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('timeout', () => {
    socket.destroy();
    resolve(false);
  });
  socket.once('error', () => resolve(false));
});

const hostAddresses = Object.values(networkInterfaces())
  .flatMap((infos) => infos ?? [])
  .filter((info) => info.family === 'IPv4' && !info.internal)
  .map((info) => info.address);

const prober = {
  internet: true,
  files: {
    'index.mjs': `import net from 'node:net'; import dns from 'node:dns/promises';
const tryConnect = (host, port) => new Promise((resolve) => { const s = net.connect({ host, port, timeout: 3000 }); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('timeout', () => { s.destroy(); resolve('timeout'); }); s.on('error', (e) => resolve(e.code)); });
export const handler = async (event) => {
  const results = {};
  for (const [name, host, port] of event.targets) results[name] = await tryConnect(host, port);
  if (event.lookup) results.lookup = await dns.lookup(event.lookup).then(() => 'resolved', (e) => e.code);
  return results;
};`,
  },
};

describe('isolated driver: outbound internet (hearth:network=internet)', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  const hostServer = createServer((socket) => socket.end('host'));
  let port = 0;
  before(async () => {
    harness = await isolatedHarness();
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    port = (hostServer.address() as { port: number }).port;
  });
  after(async () => {
    hostServer.close();
    await harness?.close();
  });

  it('reaches none of the host, private or link-local ranges; its Runtime API still works', async () => {
    const sandbox = await harness.start(prober);
    const targets = [
      ...hostAddresses.map((address) => [`host ${address}`, address, port]),
      ['host loopback through the gateway', '10.0.2.2', port],
      ['its own loopback (not the host)', '127.0.0.1', port],
      ['metadata', '169.254.169.254', 80],
      ['10/8', '10.1.2.3', 80],
      ['172.16/12', '172.16.0.1', 80],
      ['192.168/16', '192.168.1.1', 80],
      ['CGNAT', '100.64.0.1', 80],
    ];
    const seen = successPayload<Record<string, string>>(await sandbox.invoke({ targets }));
    for (const [name] of targets) {
      const result = seen[name as string];
      // EACCES: a prohibit route; ENETUNREACH/ECONNREFUSED: slirp4netns refuses the host's loopback,
      // and 127.0.0.1 is the sandbox's own. Never a connection, never a slow timeout.
      assert.ok(['EACCES', 'ENETUNREACH', 'ECONNREFUSED'].includes(result ?? ''), `${name}: ${result}`);
    }
    assert.equal(seen['metadata'], 'EACCES');
  });

  it("its slirp4netns runs outside Hearth's process group (a Ctrl-C at the terminal leaves it to the shutdown)", async () => {
    const sandbox = await harness.start(prober);
    const ours = processesWhere((stat, pid) => stat.command === 'slirp4netns' && descendsFromThisProcess(pid));
    assert.ok(ours.length > 0, 'this test started a slirp4netns');
    for (const pid of ours) assert.notEqual(processStat(pid)?.group, processStat('self')?.group);
    await sandbox.close();
  });

  it('reaches the internet by name', { skip: hostHasInternet ? undefined : 'this host has no internet' }, async () => {
    const sandbox = await harness.start(prober);
    const seen = successPayload<Record<string, string>>(
      await sandbox.invoke({ targets: [['public', PUBLIC.host, PUBLIC.port]], lookup: PUBLIC.host }),
    );
    assert.deepEqual(seen, { public: 'connected', lookup: 'resolved' });
  });

  it('cannot reach a server in another sandbox with internet (D13)', async () => {
    const listener = await harness.start({
      internet: true,
      files: {
        'index.mjs': `import net from 'node:net'; let server;
export const handler = async () => { server ??= await new Promise((resolve) => { const s = net.createServer((c) => c.end('a')); s.listen(8080, '0.0.0.0', () => resolve(s)); }); return 'listening'; };`,
      },
    });
    assert.equal(successPayload<string>(await listener.invoke({})), 'listening');
    const other = await harness.start(prober);
    // Every sandbox is 10.0.2.100 behind its own slirp4netns: that address is always its own.
    const seen = successPayload<Record<string, string>>(await other.invoke({ targets: [['a', '10.0.2.100', 8080]] }));
    assert.equal(seen['a'], 'ECONNREFUSED');
  });

  it('without the tag a sandbox has no route out at all', async () => {
    const sandbox = await harness.start({ ...prober, internet: false });
    const seen = successPayload<Record<string, string>>(await sandbox.invoke({ targets: [['out', '1.1.1.1', 443]] }));
    assert.ok(['ENETUNREACH', 'timeout'].includes(seen['out'] ?? ''), seen['out']);
  });
});
