// Outbound internet for one sandbox (hearth:network=internet, docs/isolation.md): user-mode
// networking with slirp4netns, which gives the sandbox's network namespace a tap device whose
// traffic it relays through ordinary sockets of the host, so the sandbox needs no host interface,
// bridge or NAT rule. What the sandbox must never reach — the host's own addresses and networks,
// private, link-local (169.254.169.254), CGNAT, multicast and reserved ranges, the host's loopback
// through the gateway — is made unroutable inside its namespace with `prohibit` routes (connect()
// fails with EACCES at once); the sandbox has no CAP_NET_ADMIN to change them, nor CAP_NET_RAW to go
// around them. Only slirp4netns's DNS forwarder at 10.0.2.3 stays reachable in those ranges.
import { spawn } from 'node:child_process';
import type { NetworkInterfaceInfo } from 'node:os';
import type { Readable, Writable } from 'node:stream';

/** slirp4netns's defaults: the sandbox is 10.0.2.100 on 10.0.2.0/24, gateway .2, DNS .3. */
export const SANDBOX_DNS = '10.0.2.3';
export const SANDBOX_GATEWAY = '10.0.2.2';
export const SANDBOX_ADDRESS = '10.0.2.100';
const TAP = 'tap0';
/** What slirp4netns is given to wait for before the sandbox's command runs (ms). */
export const NETWORK_SETUP_TIMEOUT_MS = 10_000;

/** Never reachable from a sandbox, whatever the host's own addresses (IANA special-purpose IPv4). */
export const ALWAYS_BLOCKED = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/** Also blocked: every IPv4 address of the host and the network it sits on (other machines there). */
export function blockedDestinations(
  interfaces: Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>,
): string[] {
  const blocked = new Set(ALWAYS_BLOCKED);
  for (const infos of Object.values(interfaces))
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.cidr === null) continue;
      blocked.add(networkOf(info.cidr));
      blocked.add(`${info.address}/32`);
    }
  return [...blocked];
}

/** `a.b.c.d/n` with the host bits cleared (the kernel refuses a route with host bits set). */
export function networkOf(cidr: string): string {
  const [address = '', prefixText = '32'] = cidr.split('/');
  const prefix = Number(prefixText);
  const value = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${prefix}`;
}

/** `ip -batch` input for the sandbox's namespace: prohibit routes, and the DNS forwarder let through. */
export function routeCommands(blocked: readonly string[]): string {
  return [
    `link set ${TAP} mtu 65520 up`,
    `addr add ${SANDBOX_ADDRESS}/24 dev ${TAP}`,
    `route add default via ${SANDBOX_GATEWAY} dev ${TAP}`,
    ...blocked.map((cidr) => `route add prohibit ${cidr}`),
    `route add ${SANDBOX_DNS}/32 dev ${TAP}`,
    '',
  ].join('\n');
}

/** /etc/resolv.conf of a sandbox with internet. */
export const RESOLV_CONF = `nameserver ${SANDBOX_DNS}\noptions timeout:2 attempts:2\n`;

export interface NetworkTools {
  readonly slirp4netns: string;
  readonly nsenter: string;
  readonly ip: string;
}

/**
 * Starts slirp4netns for the network namespace of `pid` (bwrap's sandbox init, still blocked before
 * its command), waits until tap0 is up, and adds the routes. `join` runs slirp4netns inside the
 * sandbox's cgroup (so it dies, and is swept, with the sandbox). Resolves once the network is ready.
 */
export async function attachNetwork(
  pid: number,
  blocked: readonly string[],
  tools: NetworkTools,
  join: { readonly shell: string; readonly script: string; readonly args: readonly string[] },
): Promise<void> {
  const slirp = spawn(
    join.shell,
    [
      '-c',
      join.script,
      'hearth-network',
      ...join.args,
      tools.slirp4netns,
      // Not --configure: that brings up lo too, racing bwrap's own loopback setup in the same
      // namespace; tap0 is configured with the routes below instead.
      '--mtu=65520',
      '--disable-host-loopback',
      '--enable-sandbox',
      '--enable-seccomp',
      '--ready-fd=3',
      String(pid),
      TAP,
    ],
    // Its own process group: a Ctrl-C at Hearth's terminal must not cut the network of a sandbox the
    // shutdown is still draining. It dies with the sandbox's cgroup (or the next start's sweep).
    { env: {}, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], cwd: '/', detached: true },
  );
  slirp.unref();
  const stderr = collect(slirp.stderr!);
  const ready = new Promise<void>((resolve, reject) => {
    (slirp.stdio[3] as Readable).once('data', () => resolve());
    slirp.once('exit', (code, signal) =>
      reject(new Error(`slirp4netns ended (${signal ?? code}) before the network was up: ${stderr().trim()}`)),
    );
    slirp.once('error', reject);
    setTimeout(
      () => reject(new Error('slirp4netns did not bring the network up in time')),
      NETWORK_SETUP_TIMEOUT_MS,
    ).unref();
  });
  await ready;
  (slirp.stdio[3] as Readable).destroy();
  await run(tools.nsenter, [`--net=/proc/${pid}/ns/net`, tools.ip, '-batch', '-'], routeCommands(blocked));
}

function run(command: string, args: readonly string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: {}, stdio: ['pipe', 'ignore', 'pipe'] });
    const stderr = collect(child.stderr!);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr().trim()}`)),
    );
    const stdin = child.stdin as Writable;
    stdin.on('error', () => undefined); // it failed before reading: its exit code says why
    stdin.end(input);
  });
}

function collect(stream: Readable): () => string {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    if (text.length < 4096) text += chunk.toString('utf8');
  });
  return () => text;
}
