// Where commands write. main.ts passes the process's streams; tests pass collectors.

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export function processOutput(): CliOutput {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}
