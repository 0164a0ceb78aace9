// Entry point of the `hearth` command (bin/hearth.js imports the compiled file).
import { processOutput } from './cli-output.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv, processOutput());
