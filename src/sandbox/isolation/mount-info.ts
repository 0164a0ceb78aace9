// /proc/self/mountinfo, parsed once for the isolation code that reads it (proc(5)): the mount
// point (field 5, a space written as \040), its mount options (field 6), and after the "-"
// separator the filesystem type and source.
import { readFile } from 'node:fs/promises';

export interface MountInfoEntry {
  readonly point: string;
  readonly options: readonly string[];
  readonly fsType: string | undefined;
  readonly source: string | undefined;
}

/** The mounts in a mountinfo text, in its order (a later one at the same point is mounted over an earlier). */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const [point, options] = [fields[4], fields[5]];
    if (point === undefined || options === undefined) continue;
    const separator = fields.indexOf('-');
    entries.push({
      point: point.replace(/\\040/g, ' '),
      options: options.split(','),
      fsType: separator > 0 ? fields[separator + 1] : undefined,
      source: separator > 0 ? fields[separator + 2] : undefined,
    });
  }
  return entries;
}

/** This process's mounts. */
export async function readMountInfo(): Promise<MountInfoEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** This process's mount points at `dir` or below it, in mount order. */
export async function mountPointsAtOrUnder(dir: string): Promise<string[]> {
  return (await readMountInfo())
    .map((mount) => mount.point)
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}
