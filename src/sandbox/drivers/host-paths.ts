// The process driver runs the runtime without a mount namespace, so it sees host paths. The
// sandbox paths in argv and env values are rewritten to the host directories: `/var/task` → the
// code dir, `/var/runtime` → the runtime dir, `/opt` → the merged layers. Each ':'-separated segment of a value that is a
// sandbox path (or below one) is rewritten, so PATH-like lists (NODE_PATH, LD_LIBRARY_PATH) work.

export interface PathMapping {
  readonly sandboxPath: string;
  readonly hostPath: string;
}

export function toHostPath(value: string, mappings: readonly PathMapping[]): string {
  if (!value.includes('/var/') && !value.includes('/opt')) return value;
  return value
    .split(':')
    .map((segment) => rewriteSegment(segment, mappings))
    .join(':');
}

function rewriteSegment(segment: string, mappings: readonly PathMapping[]): string {
  for (const { sandboxPath, hostPath } of mappings) {
    if (segment === sandboxPath) return hostPath;
    if (segment.startsWith(`${sandboxPath}/`)) return hostPath + segment.slice(sandboxPath.length);
  }
  return segment;
}
