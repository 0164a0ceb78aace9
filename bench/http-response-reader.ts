// Reads one HTTP/1.1 response from the bytes of a keep-alive connection, as they arrive: the
// benchmark client's parser (invoke-client.ts). It knows what the servers under test answer with:
// a body framed by Content-Length, by chunked Transfer-Encoding, or by the end of the connection;
// interim 1xx responses are skipped. Bytes after the response are a protocol error, because the
// client never pipelines.

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The server will close the connection (Connection: close, HTTP/1.0, or a body ended by close). */
  readonly closes: boolean;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);
/** A head longer than this is refused (node:http's default limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

type Framing =
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunked'; chunkLeft: number; state: 'size' | 'data' | 'data-end' | 'trailers' }
  | { readonly kind: 'close' };

interface Head {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly closes: boolean;
}

export class HttpResponseReader {
  private buffered: Buffer = EMPTY;
  private head: Head | undefined;
  private framing: Framing | undefined;
  private parts: Buffer[] = [];

  /**
   * Adds bytes; returns the response once it is complete. Throws on a malformed response or on
   * bytes beyond it.
   */
  push(chunk: Buffer): HttpResponse | undefined {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      if (this.head === undefined) {
        const end = this.buffered.indexOf(HEAD_END);
        if (end === -1) {
          if (this.buffered.length > MAX_HEAD_BYTES) throw new Error('response head too large');
          return undefined;
        }
        const head = parseHead(this.buffered.toString('latin1', 0, end));
        this.buffered = this.buffered.subarray(end + HEAD_END.length);
        if (head.status >= 100 && head.status < 200) continue; // 100 Continue and the like
        this.head = head;
        this.framing = framingOf(head);
      }
      const done = this.readBody();
      if (!done) return undefined;
      if (this.buffered.length > 0) throw new Error(`${this.buffered.length} bytes after the response`);
      return this.finish();
    }
  }

  /** The connection ended: completes a response whose body runs to the close, else throws. */
  end(): HttpResponse {
    if (this.head !== undefined && this.framing?.kind === 'close') return this.finish();
    throw new Error(this.head === undefined ? 'connection closed before a response' : 'connection closed mid-body');
  }

  /** Whether part of a response has arrived (a close now loses it). */
  get started(): boolean {
    return this.head !== undefined || this.buffered.length > 0;
  }

  private finish(): HttpResponse {
    const head = this.head!;
    const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const closes = head.closes || this.framing?.kind === 'close';
    this.head = undefined;
    this.framing = undefined;
    this.parts = [];
    return { status: head.status, headers: head.headers, body, closes };
  }

  /** Consumes body bytes from the buffer; true once the body is complete. */
  private readBody(): boolean {
    const framing = this.framing!;
    if (framing.kind === 'close') {
      this.take(this.buffered.length);
      return false;
    }
    if (framing.kind === 'length') {
      const n = Math.min(framing.remaining, this.buffered.length);
      this.take(n);
      framing.remaining -= n;
      return framing.remaining === 0;
    }
    for (;;) {
      if (framing.state === 'data') {
        const n = Math.min(framing.chunkLeft, this.buffered.length);
        this.take(n);
        framing.chunkLeft -= n;
        if (framing.chunkLeft > 0) return false;
        framing.state = 'data-end';
      }
      const eol = this.buffered.indexOf(CRLF);
      if (eol === -1) return false;
      const line = this.buffered.toString('latin1', 0, eol);
      this.buffered = this.buffered.subarray(eol + CRLF.length);
      if (framing.state === 'data-end') {
        if (line !== '') throw new Error('chunk data not followed by CRLF');
        framing.state = 'size';
      } else if (framing.state === 'size') {
        const size = parseChunkSize(line);
        if (size === 0) framing.state = 'trailers';
        else {
          framing.chunkLeft = size;
          framing.state = 'data';
        }
      } else if (line === '') {
        return true; // the empty line after the (usually absent) trailers
      }
    }
  }

  private take(n: number): void {
    if (n === 0) return;
    this.parts.push(this.buffered.subarray(0, n));
    this.buffered = this.buffered.subarray(n);
  }
}

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (statusLine === null) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const connection = (headers['connection'] ?? '').toLowerCase();
  const closes = statusLine[1] === '0' ? !connection.includes('keep-alive') : connection.includes('close');
  return { status: Number(statusLine[2]), headers, closes };
}

function framingOf(head: Head): Framing {
  // No body at all: 204, 304 (the client never sends HEAD).
  if (head.status === 204 || head.status === 304) return { kind: 'length', remaining: 0 };
  const encoding = head.headers['transfer-encoding'];
  if (encoding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(encoding)) throw new Error(`unsupported Transfer-Encoding: ${encoding}`);
    return { kind: 'chunked', chunkLeft: 0, state: 'size' };
  }
  const length = head.headers['content-length'];
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Error(`bad Content-Length: ${length}`);
    return { kind: 'length', remaining: Number(length) };
  }
  return { kind: 'close' };
}

function parseChunkSize(line: string): number {
  const size = /^([0-9a-fA-F]+)\s*(?:;.*)?$/.exec(line);
  if (size === null) throw new Error(`bad chunk size line: ${JSON.stringify(line)}`);
  return parseInt(size[1]!, 16);
}
