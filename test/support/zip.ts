// Builds function archives in memory with yazl, and patches entry names that yazl itself
// refuses to write (for zip-slip tests).
import yazl from 'yazl';

export type ZipEntry = string | Buffer | { readonly content: string | Buffer; readonly mode?: number };

export interface ZipOptions {
  /** Deflate entries (default true). Stored entries make archives as large as their content. */
  readonly compress?: boolean;
}

export function buildZip(files: Readonly<Record<string, ZipEntry>>, options: ZipOptions = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  // A fixed date keeps archives byte-identical across runs, so CodeSha256 is reproducible.
  const mtime = new Date('2024-01-01T00:00:00Z');
  for (const [name, entry] of Object.entries(files)) {
    const { content, mode } =
      typeof entry === 'string' || Buffer.isBuffer(entry) ? { content: entry, mode: 0o644 } : entry;
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    // Unix mode with the regular-file type bit, as `zip` writes it; extractors read 0o755 as executable.
    const unixMode = (mode ?? 0o644) | 0o100000;
    zip.addBuffer(buffer, name, { mode: unixMode, mtime, compress: options.compress ?? true });
  }
  zip.end();
  return collect(zip.outputStream);
}

/**
 * Replaces every occurrence of an entry name in an archive (local header and central directory)
 * with another name of the same byte length. The CRC covers only the content, so the archive
 * stays well-formed.
 */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  const source = Buffer.from(from, 'utf8');
  const target = Buffer.from(to, 'utf8');
  if (source.length !== target.length) throw new Error('renameEntry needs names of the same byte length');
  const out = Buffer.from(zip);
  let replaced = 0;
  for (let at = out.indexOf(source); at !== -1; at = out.indexOf(source, at + source.length)) {
    target.copy(out, at);
    replaced += 1;
  }
  if (replaced < 2) throw new Error(`entry ${from} not found in both headers (found ${replaced})`);
  return out;
}

/** A name of the same length as `name`, made only of safe characters, to stand in for it. */
export function placeholderFor(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, 'Q');
}

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
