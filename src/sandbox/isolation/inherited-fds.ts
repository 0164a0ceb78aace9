// File descriptors Hearth itself inherited without close-on-exec (from a shell, a supervisor, a
// CI runner). Node opens its own fds close-on-exec, but libuv passes these to every child, and so
// into a sandbox (runc CVE-2024-21626 class). The isolated driver's launcher closes them by number.
import { readdirSync, readFileSync } from 'node:fs';

const O_CLOEXEC = 0o2000000;

/** fds above `above` that the next exec would keep open. */
export function inheritedFds(above = 3): number[] {
  const fds: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!(fd > above)) continue;
    try {
      const flags = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & O_CLOEXEC) === 0) fds.push(fd);
    } catch {
      // closed in the meantime (the readdir's own fd among them)
    }
  }
  return fds.sort((a, b) => a - b);
}

/** Shell commands closing those fds; dash redirects only fds 0–9, so larger ones need bash. */
export function closeFdsScript(fds: readonly number[]): { shell: '/bin/sh' | '/bin/bash'; script: string } {
  return {
    shell: fds.some((fd) => fd > 9) ? '/bin/bash' : '/bin/sh',
    script: fds.map((fd) => `exec ${fd}>&-; `).join(''),
  };
}
