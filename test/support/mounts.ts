// The host's mount table, for tests that check what a Hearth left mounted.
import { readFileSync } from 'node:fs';

/** Mount points strictly below `dir` (field 5 of /proc/self/mountinfo). */
export function mountPointsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${dir}/`));
}
