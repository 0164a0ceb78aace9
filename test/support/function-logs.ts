// Reads a function's log lines through Hearth's log endpoint (GET /hearth/2026-11-01/functions/
// {name}/logs, SigV4-signed), and waits for a condition on them without fixed sleeps.
import { SigV4Signer } from '../../bench/sigv4-signer.js';
import type { LogEvent } from '../../src/cli/lambda-wire.js';
import type { HearthServer } from './hearth-server.js';

/** One stored line as the endpoint answers it. */
export type FunctionLogEvent = LogEvent;

/** The first 1,000 log lines of the function (the endpoint's default page; plenty for a test). */
export async function functionLogLines(server: HearthServer, name: string): Promise<string[]> {
  return (await functionLogEvents(server, name)).map((event) => event.message.replace(/\n$/, ''));
}

/** The first 1,000 log events of the function, with who wrote each and its request id. */
export async function functionLogEvents(server: HearthServer, name: string): Promise<FunctionLogEvent[]> {
  const url = new URL(`${server.endpoint}/hearth/2026-11-01/functions/${name}/logs`);
  const headers = new SigV4Signer(server.credentials, server.region).sign(
    'GET',
    url.host,
    url.pathname,
    Buffer.alloc(0),
  );
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`logs of ${name}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { events: FunctionLogEvent[] }).events;
}

/** Polls `read` until `done` holds for its value; fails with the last value after `ms`. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
