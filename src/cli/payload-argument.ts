// `--payload` for `hearth invoke`: inline JSON, `@path` for a file's bytes, or `@-` for stdin.
// Inline text is checked as JSON here so a typo is caught before the request; file contents
// are sent as they are (the server answers InvalidRequestContentException if they are not JSON).
import { CliError } from './cli-error.js';

export interface PayloadSources {
  readFile(path: string): Promise<Buffer>;
  readStdin(): Promise<Buffer>;
}

export async function readPayloadArgument(argument: string | undefined, sources: PayloadSources): Promise<Buffer> {
  if (argument === undefined) return Buffer.from('{}');
  if (argument === '@-') return sources.readStdin();
  if (argument.startsWith('@')) {
    const path = argument.slice(1);
    if (path === '') throw new CliError('--payload @ needs a file name, e.g. --payload @event.json');
    try {
      return await sources.readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
      throw new CliError(`Cannot read the payload file "${path}": ${reason}.`);
    }
  }
  try {
    JSON.parse(argument);
  } catch {
    throw new CliError(
      `--payload is not valid JSON: ${argument}\nQuote it for your shell, e.g. --payload '{"key":"value"}', or use --payload @file.json`,
    );
  }
  return Buffer.from(argument);
}
