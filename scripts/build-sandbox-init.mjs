// Compiles the isolated sandboxes' first program (src/sandbox/isolation/sandbox-init.c, with the
// command runner's built-in tools from init-disk-tools.c) to
// build/native/sandbox-init, statically when the C library allows it. Part of `npm run build`.
// Without a C compiler (or if it fails) it says so and leaves no binary: Hearth then uses setpriv
// and /bin/sh. The build goes on either way; sandbox-init.test.ts fails when a compiler is there
// and no binary came out.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sources = ['sandbox-init.c', 'init-disk-tools.c'].map((file) => path.join(root, 'src/sandbox/isolation', file));
const output = path.join(root, 'build/native/sandbox-init');
const flags = ['-O2', '-s', '-Wall', '-Wextra', '-Werror', '-o', output, ...sources];

if (process.platform !== 'linux') process.exit(0);
mkdirSync(path.dirname(output), { recursive: true });
rmSync(output, { force: true });
for (const link of [['-static'], []]) {
  try {
    execFileSync(process.env.CC ?? 'cc', [...link, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
    process.exit(0);
  } catch (error) {
    if (error.code === 'ENOENT') break;
    if (link.length === 0) {
      process.stderr.write(String(error.stderr ?? error.message));
      process.stdout.write('build-sandbox-init: compiling failed; isolated sandboxes will start through setpriv and /bin/sh\n');
      process.exit(0);
    }
  }
}
process.stdout.write('build-sandbox-init: no C compiler (cc); isolated sandboxes will start through setpriv and /bin/sh\n');
