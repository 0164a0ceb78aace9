import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { ByteBudget } from './byte-budget.js';

void describe('ByteBudget', () => {
  void it('allows exactly the limit, then refuses the next byte with the AWS unzipped-size error', () => {
    const budget = new ByteBudget(10);
    budget.spend(4);
    budget.spend(6);
    assert.throws(
      () => budget.spend(1),
      (error: unknown) =>
        error instanceof LambdaError &&
        error.status === 400 &&
        error.code === 'InvalidParameterValueException' &&
        error.message === 'Unzipped size must be smaller than 10 bytes',
    );
  });
});
