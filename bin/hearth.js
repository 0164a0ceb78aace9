#!/usr/bin/env -S node --no-memory-reducer
// The `hearth` command. The TypeScript sources are compiled into build/ by `npm ci` (the
// `prepare` script); this file only hands over to the compiled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../build/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('hearth: build/ is missing. Run `npm ci` (or `npm run build`) in the hearth folder first.\n');
  process.exit(1);
}
await import(entry.href);
