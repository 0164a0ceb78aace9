// Hearth's sandbox init (sandbox-init.c): the first program bwrap runs in a sandbox. It drops to the
// sandbox's user, starts the 127.0.0.1:9001 forwarder and becomes the runtime in one exec, where
// setpriv and a shell took three. `npm run build` compiles it to build/native/sandbox-init; a build
// without a C compiler has none, and sandboxes start through setpriv and /bin/sh as before.
import { copyFileSync, existsSync, linkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Its name in the sandbox's Runtime API directory (/run/hearth/runtime), which every sandbox binds. */
export const SANDBOX_INIT_NAME = 'init';

/** The compiled init of this build, or undefined when there is none. */
export function builtSandboxInit(): string | undefined {
  // build/src/sandbox/isolation/ → build/native/
  const built = fileURLToPath(new URL('../../../native/sandbox-init', import.meta.url));
  return existsSync(built) ? built : undefined;
}

/**
 * Puts the init at `at` (in a sandbox's Runtime API directory), in place: a hard link (one inode,
 * no copy, microseconds), or a copy where the directory is on another filesystem. The directory is bound read-only, so
 * nothing in the sandbox can change the file either way.
 */
export function placeInit(init: string, at: string): void {
  try {
    linkSync(init, at);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(init, at);
  }
}
