import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAdmission, type Admission, type AdmissionInput } from './admission.js';

const base: AdmissionInput = {
  provisioned: 0,
  reserved: undefined,
  running: 0,
  unreservedRunning: 0,
  unreservedCapacity: 900,
};
const reservedFull: Admission = { kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
const accountFull: Admission = { kind: 'throttle', reason: 'ConcurrentInvocationLimitExceeded' };

describe('decideAdmission', () => {
  const rows: { name: string; input: Partial<AdmissionInput>; expected: Admission }[] = [
    { name: 'no reservation, pool free', input: {}, expected: { kind: 'admit', pool: 'unreserved' } },
    { name: 'no reservation, pool full', input: { unreservedRunning: 900 }, expected: accountFull },
    {
      name: 'reserved 10, 9 running',
      input: { reserved: 10, running: 9 },
      expected: { kind: 'admit', pool: 'reserved' },
    },
    { name: 'reserved 10, 10 running', input: { reserved: 10, running: 10 }, expected: reservedFull },
    { name: 'reserved 0 throttles everything', input: { reserved: 0 }, expected: reservedFull },
    {
      name: 'a reservation is not limited by a full unreserved pool',
      input: { reserved: 5, running: 1, unreservedRunning: 900 },
      expected: { kind: 'admit', pool: 'reserved' },
    },
    {
      name: 'provisioned environments are used first',
      input: { provisioned: 2, reserved: 5, running: 1 },
      expected: { kind: 'admit', pool: 'provisioned' },
    },
    {
      name: 'past provisioned, the reservation applies',
      input: { provisioned: 2, reserved: 2, running: 2 },
      expected: reservedFull,
    },
    { name: 'unreserved capacity 0', input: { unreservedCapacity: 0 }, expected: accountFull },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(decideAdmission({ ...base, ...row.input }), row.expected));
  }
});
