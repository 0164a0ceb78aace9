// The Runtime API server's frame channel (frame-session.ts), driven with raw frames the way Hearth's
// Node runtime writes them, next to HTTP on the same server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import {
  encodeFrame,
  FrameDecoder,
  FRAMES_PATH,
  FRAMES_PROTOCOL,
  FrameType,
  type Frame,
} from '../runtimes/node/frame-codec.cjs';
import {
  MAX_RESPONSE_BYTES,
  RuntimeApiServer,
  type RuntimeApiEvents,
  type RuntimeInvocation,
} from './runtime-api-server.js';

class Recorder implements RuntimeApiEvents {
  readonly events: string[] = [];
  private waiters: Array<() => void> = [];
  nextRequested(): void {
    this.record('next');
  }
  responded(id: string, body: Buffer): void {
    this.record(`response ${id} ${body.toString()}`);
  }
  errored(id: string, type: string, payload: Buffer): void {
    this.record(`error ${id} ${type} ${payload.toString()}`);
  }
  responseTooLarge(id: string): void {
    this.record(`too-large ${id}`);
  }
  initFailed(type: string, payload: Buffer): void {
    this.record(`init-error ${type} ${payload.toString()}`);
  }
  /** Resolves once `count` events have been recorded. */
  async until(count: number): Promise<void> {
    while (this.events.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
  private record(event: string): void {
    this.events.push(event);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

const invocation = (requestId: string, extra: Partial<RuntimeInvocation> = {}): RuntimeInvocation => ({
  requestId,
  payload: Buffer.from('{"n":1}'),
  deadlineMs: 1_700_000_003_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  traceId: 'Root=1-65000000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  clientContext: undefined,
  ...extra,
});

/** A raw frame connection: upgrades, then writes frames and collects what comes back. */
class FramePeer {
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];
  private constructor(readonly socket: net.Socket) {}

  static async open(address: string, path = FRAMES_PATH): Promise<{ peer: FramePeer; head: string }> {
    const [host, port] = address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    await once(socket, 'connect');
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`);
    const peer = new FramePeer(socket);
    let head = '';
    const decoder = new FrameDecoder((frame) => {
      peer.frames.push(frame);
      const waiters = peer.waiters;
      peer.waiters = [];
      for (const wake of waiters) wake();
    });
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        if (!head.endsWith('\r\n\r\n')) {
          const text = chunk.toString('latin1');
          const end = text.indexOf('\r\n\r\n');
          head += end === -1 ? text : text.slice(0, end + 4);
          if (end === -1) return;
          resolve();
          chunk = chunk.subarray(end + 4);
        }
        if (chunk.length > 0) decoder.push(chunk);
      });
      socket.on('close', () => resolve());
    });
    return { peer, head };
  }

  send(...frames: Buffer[][]): void {
    this.socket.write(Buffer.concat(frames.flat()));
  }

  async until(count: number): Promise<void> {
    while (this.frames.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

async function withServer(run: (address: string, server: RuntimeApiServer, recorder: Recorder) => Promise<void>) {
  const recorder = new Recorder();
  const server = new RuntimeApiServer(recorder);
  const address = await server.listenTcp('127.0.0.1');
  try {
    await run(address, server, recorder);
  } finally {
    await server.close();
  }
}

test('frames: ready → event with every field; an answer and the next ready in one write are taken in order', async () => {
  await withServer(async (address, server, recorder) => {
    const { peer, head } = await FramePeer.open(address);
    assert.match(head, /^HTTP\/1\.1 101 /);
    peer.send(encodeFrame(FrameType.Next, []));
    await recorder.until(1);
    server.deliver(invocation('req-1', { clientContext: '{"custom":{"a":1}}' }));
    await peer.until(1);
    const event = peer.frames[0]!;
    assert.equal(event.type, FrameType.Event);
    assert.deepEqual(event.fields, [
      'req-1',
      '1700000003000',
      'arn:aws:lambda:us-east-1:000000000000:function:f',
      'Root=1-65000000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
      '{"custom":{"a":1}}',
    ]);
    assert.equal(event.body.toString(), '{"n":1}');

    peer.send(encodeFrame(FrameType.Response, ['req-1'], '"one"'), encodeFrame(FrameType.Next, []));
    await recorder.until(3);
    assert.deepEqual(recorder.events, ['next', 'response req-1 "one"', 'next']);
    server.deliver(invocation('req-2'));
    await peer.until(2);
    assert.deepEqual([peer.frames[1]!.fields[0], peer.frames[1]!.fields[4]], ['req-2', '']);
    peer.socket.destroy();
  });
});

test('frames: unknown ids and second answers are refused as over HTTP; errors and init errors pass on', async () => {
  await withServer(async (address, server, recorder) => {
    const { peer } = await FramePeer.open(address);
    server.deliver(invocation('req-3'));
    peer.send(encodeFrame(FrameType.Next, []));
    await peer.until(1);
    peer.send(
      encodeFrame(FrameType.Response, ['nope'], '{}'),
      encodeFrame(FrameType.Error, ['req-3', 'TypeError'], '{"errorType":"TypeError"}'),
    );
    await recorder.until(1);
    peer.send(encodeFrame(FrameType.Response, ['req-3'], '"late"'));
    await peer.until(3);
    const statuses = peer.frames
      .slice(1)
      .map((frame) => [frame.type, ...frame.fields, JSON.parse(frame.body.toString()).errorType]);
    assert.deepEqual(statuses, [
      [FrameType.Status, 'response', '400', 'InvalidRequestID'],
      [FrameType.Status, 'response', '403', 'InvalidStateTransition'],
    ]);
    assert.deepEqual(recorder.events, ['error req-3 TypeError {"errorType":"TypeError"}']);
    peer.send(encodeFrame(FrameType.InitError, ['Runtime.ImportModuleError'], 'not json'));
    await recorder.until(2);
    assert.deepEqual(
      recorder.events[1],
      'init-error Runtime.ImportModuleError {"errorType":"Runtime.ImportModuleError","errorMessage":"not json"}',
    );
    peer.socket.destroy();
  });
});

test('frames: an answer past 6 MB + 100 bytes ends the invocation as too large; the connection goes on', async () => {
  await withServer(async (address, server, recorder) => {
    const { peer } = await FramePeer.open(address);
    server.deliver(invocation('req-4'));
    peer.send(encodeFrame(FrameType.Next, []));
    await peer.until(1);
    peer.send(
      encodeFrame(FrameType.Response, ['req-4'], Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61)),
      encodeFrame(FrameType.Next, []),
    );
    await recorder.until(2);
    assert.deepEqual(recorder.events, ['too-large req-4', 'next']);
    await peer.until(2);
    assert.deepEqual(peer.frames[1]!.fields, ['response', '413']);
    peer.socket.destroy();
  });
});

test('an upgrade to anything but Hearth frames on its path is refused with 404', async () => {
  await withServer(async (address) => {
    const { head } = await FramePeer.open(address, '/2018-06-01/runtime/invocation/next');
    assert.match(head, /^HTTP\/1\.1 404 /);
  });
});
