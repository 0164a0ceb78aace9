// The URL a client uses to reach a server listening on host:port. A server bound to every
// interface (0.0.0.0 or ::) is reached on loopback; IPv6 literals are bracketed.

export function serverUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const hostPart = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${hostPart}:${port}`;
}
