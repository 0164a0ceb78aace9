// Builds code archives for the code-store tests: honest ones with yazl, and hostile ones by
// editing yazl's bytes (names yazl refuses to write, lying sizes, entries sharing data).
import yazl from 'yazl';

export interface FixtureEntry {
  readonly name: string;
  readonly data?: string | Buffer;
  /** Full unix mode including the type bits, e.g. 0o100755, 0o120777 for a symlink. */
  readonly mode?: number;
  readonly directory?: boolean;
}

export async function buildZip(entries: readonly FixtureEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    const options = entry.mode === undefined ? {} : { mode: entry.mode };
    if (entry.directory) zip.addEmptyDirectory(entry.name, options);
    else zip.addBuffer(Buffer.from(entry.data ?? ''), entry.name, options);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Replaces every occurrence of an entry name with another of the same byte length. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  const before = Buffer.from(from);
  const after = Buffer.from(to);
  if (before.length !== after.length) throw new Error('renameEntry needs names of equal length');
  const copy = Buffer.from(zip);
  let at = copy.indexOf(before);
  if (at < 0) throw new Error(`no entry named ${from}`);
  while (at >= 0) {
    after.copy(copy, at);
    at = copy.indexOf(before, at + after.length);
  }
  return copy;
}

const CENTRAL_HEADER = 0x02014b50;

/** Offsets of the central directory headers, in archive order. */
function centralHeaders(zip: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 4 <= zip.length; at += 1) {
    if (zip.readUInt32LE(at) === CENTRAL_HEADER) offsets.push(at);
  }
  return offsets;
}

/** Makes the central directory claim that entry `index` unzips to `size` bytes. */
export function declareUncompressedSize(zip: Buffer, index: number, size: number): Buffer {
  const copy = Buffer.from(zip);
  const header = centralHeaders(copy)[index];
  if (header === undefined) throw new Error(`no entry ${index}`);
  copy.writeUInt32LE(size, header + 24);
  return copy;
}

/** Points entry `index`'s local header offset at entry `target`'s, so both share one body. */
export function shareData(zip: Buffer, index: number, target: number): Buffer {
  const copy = Buffer.from(zip);
  const headers = centralHeaders(copy);
  const from = headers[index];
  const to = headers[target];
  if (from === undefined || to === undefined) throw new Error('no such entries');
  copy.writeUInt32LE(copy.readUInt32LE(to + 42), from + 42);
  return copy;
}
