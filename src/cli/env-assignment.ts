// `--env K=V` for `hearth deploy`. Variable names follow the Lambda API model's pattern
// `[a-zA-Z]([a-zA-Z0-9_])+` (botocore lambda/2015-03-31 EnvironmentVariableName): a letter, then
// at least one letter, digit or `_`.
import { CliError } from './cli-error.js';

const NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;

export function parseEnvAssignment(text: string): readonly [name: string, value: string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new CliError(`--env "${text}" must look like NAME=value.`);
  const name = text.slice(0, at);
  if (!NAME.test(name)) {
    throw new CliError(
      `--env "${text}": "${name}" is not a valid variable name (two or more letters, digits and _, starting with a letter).`,
    );
  }
  return [name, text.slice(at + 1)];
}

/** Commander's collector for a repeatable `--env`: later assignments of a name win. */
export function collectEnvAssignment(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const [name, value] = parseEnvAssignment(text);
  return { ...previous, [name]: value };
}
