import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { ALWAYS_BLOCKED, blockedDestinations, networkOf, routeCommands } from './sandbox-network.js';

const iface = (address: string, cidr: string | null, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo =>
  ({
    address,
    cidr,
    family,
    netmask: '',
    mac: '',
    internal: false,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

describe('sandbox network', () => {
  it('networkOf clears the host bits', () => {
    const cases: Array<[string, string]> = [
      ['192.0.2.2/24', '192.0.2.0/24'],
      ['203.0.113.77/28', '203.0.113.64/28'],
      ['8.8.8.8/32', '8.8.8.8/32'],
      ['10.255.255.53/8', '10.0.0.0/8'],
      ['1.2.3.4/0', '0.0.0.0/0'],
    ];
    for (const [cidr, network] of cases) assert.equal(networkOf(cidr), network, cidr);
  });

  it("blocks the special ranges plus the host's addresses and networks, IPv4 only", () => {
    const blocked = blockedDestinations({
      eth0: [iface('203.0.113.7', '203.0.113.7/24'), iface('2001:db8::1', '2001:db8::1/64', 'IPv6')],
      lo: [iface('127.0.0.1', '127.0.0.1/8')],
      odd: [iface('198.51.100.1', null)],
    });
    for (const range of ALWAYS_BLOCKED) assert.ok(blocked.includes(range), range);
    assert.ok(blocked.includes('203.0.113.0/24'));
    assert.ok(blocked.includes('203.0.113.7/32'));
    assert.ok(!blocked.some((cidr) => cidr.includes(':')), 'no IPv6 routes');
    assert.ok(!blocked.some((cidr) => cidr.startsWith('198.51.100.')), 'an address without a cidr is skipped');
    assert.equal(new Set(blocked).size, blocked.length, 'no duplicates (127.0.0.0/8 is already there)');
    assert.ok(ALWAYS_BLOCKED.includes('169.254.0.0/16'), 'the metadata address');
  });

  it('prohibits each range and lets only the DNS forwarder through', () => {
    assert.equal(
      routeCommands(['10.0.0.0/8', '203.0.113.0/24']),
      [
        'link set tap0 mtu 65520 up',
        'addr add 10.0.2.100/24 dev tap0',
        'route add default via 10.0.2.2 dev tap0',
        'route add prohibit 10.0.0.0/8',
        'route add prohibit 203.0.113.0/24',
        'route add 10.0.2.3/32 dev tap0',
        '',
      ].join('\n'),
    );
  });
});
