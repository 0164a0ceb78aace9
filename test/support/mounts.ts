// The host's mount table, for tests that check what a Hearth left mounted.
import { readFileSync } from 'node:fs';
import { parseMountInfo } from '../../src/sandbox/isolation/mount-info.js';

/** Mount points strictly below `dir` (field 5 of /proc/self/mountinfo). */
export function mountPointsUnder(dir: string): string[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'))
    .map((mount) => mount.point)
    .filter((point) => point.startsWith(`${dir}/`));
}
