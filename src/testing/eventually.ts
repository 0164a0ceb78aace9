// For tests: waiting until a condition holds, instead of sleeping a fixed time and hoping.

/** Re-checks `condition` every 5 ms until it holds; throws after `ms` that `what` did not happen. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  ms = 5000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met in time (${ms} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
