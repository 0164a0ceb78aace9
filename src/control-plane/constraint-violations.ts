// Collects the model-level constraint failures of one request and reports them together, as AWS's
// request validator does: "2 validation errors detected: Value '127' at 'memorySize' failed to
// satisfy constraint: …; Value '0' at 'timeout' failed to satisfy constraint: …".
import { errors } from '../errors/lambda-error.js';

export class ConstraintViolations {
  private readonly items: string[] = [];

  /** `value` is printed in quotes; pass undefined for a missing (null) member. */
  add(value: string | number | readonly string[] | undefined, member: string, constraint: string): void {
    this.items.push(`Value ${printValue(value)} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  /** Sensitive members (environment variables) are reported without their value, as AWS does. */
  addHidden(member: string, constraint: string): void {
    this.items.push(`Value at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  required(value: unknown, member: string): void {
    if (value === undefined) this.add(undefined, member, 'Member must not be null');
  }

  length(value: string | undefined, member: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, member, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.add(value, member, `Member must have length less than or equal to ${max}`);
  }

  range(value: number | undefined, member: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(value, member, `Member must have value greater than or equal to ${min}`);
    if (value > max) this.add(value, member, `Member must have value less than or equal to ${max}`);
  }

  pattern(value: string | undefined, member: string, pattern: string): void {
    if (value === undefined) return;
    if (!new RegExp(`^(?:${pattern})$`).test(value)) {
      this.add(value, member, `Member must satisfy regular expression pattern: ${pattern}`);
    }
  }

  enumValue(value: string | undefined, member: string, allowed: readonly string[]): void {
    if (value === undefined || allowed.includes(value)) return;
    this.add(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }

  /** Throws one ValidationException naming every failure collected so far. */
  throwIfAny(): void {
    const count = this.items.length;
    if (count === 0) return;
    const noun = count === 1 ? 'error' : 'errors';
    throw errors.validation(`${count} validation ${noun} detected: ${this.items.join('; ')}`);
  }
}

function printValue(value: string | number | readonly string[] | undefined): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `'[${value.join(', ')}]'`;
  return `'${String(value)}'`;
}
