// Turns a runtime's stdout/stderr chunks into lines. A line longer than `maxLineBytes` is cut into
// pieces so a flood without newlines cannot grow memory. Works on 'data' events as they come: the
// pipe is always drained, so a flooding runtime never blocks on a full pipe nor blocks Hearth.
import type { Readable } from 'node:stream';

export const MAX_LINE_BYTES = 256 * 1024;

export function splitLines(stream: Readable, onLine: (line: string) => void, maxLineBytes = MAX_LINE_BYTES): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    let start = 0;
    let newline = chunk.indexOf('\n');
    while (newline !== -1) {
      const piece = chunk.slice(start, newline);
      onLine(partial === '' ? stripCr(piece) : stripCr(partial + piece));
      partial = '';
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) partial += chunk.slice(start);
    while (partial.length > maxLineBytes) {
      onLine(partial.slice(0, maxLineBytes));
      partial = partial.slice(maxLineBytes);
    }
  });
  stream.on('end', () => {
    if (partial !== '') onLine(stripCr(partial));
    partial = '';
  });
  stream.on('error', () => {
    // The sandbox is being torn down; lines already read were delivered.
  });
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
