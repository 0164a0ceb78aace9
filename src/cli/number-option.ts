// Commander parser for whole-number flags (--memory, --timeout, --since-seq).
import { CliError } from './cli-error.js';

export function wholeNumberOption(flag: string, minimum = 1): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
      throw new CliError(`${flag} must be a whole number of at least ${minimum}, not "${text}".`);
    }
    return value;
  };
}
