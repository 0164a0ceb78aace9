import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAdmission, type Admission, type AdmissionInput } from './admission.js';

const base: AdmissionInput = {
  provisioned: 0,
  provisionedRunning: 0,
  provisionedTotal: 0,
  reserved: undefined,
  onDemandRunning: 0,
  unreservedRunning: 0,
  unreservedCapacity: 900,
};
const reservedFull: Admission = { kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
const accountFull: Admission = { kind: 'throttle', reason: 'ConcurrentInvocationLimitExceeded' };
const provisioned: Admission = { kind: 'admit', pool: 'provisioned' };

describe('decideAdmission', () => {
  const rows: { name: string; input: Partial<AdmissionInput>; expected: Admission }[] = [
    { name: 'no reservation, pool free', input: {}, expected: { kind: 'admit', pool: 'unreserved' } },
    { name: 'no reservation, pool full', input: { unreservedRunning: 900 }, expected: accountFull },
    {
      name: 'reserved 10, 9 running',
      input: { reserved: 10, onDemandRunning: 9 },
      expected: { kind: 'admit', pool: 'reserved' },
    },
    { name: 'reserved 10, 10 running', input: { reserved: 10, onDemandRunning: 10 }, expected: reservedFull },
    { name: 'reserved 0 throttles everything', input: { reserved: 0 }, expected: reservedFull },
    {
      name: 'a reservation is not limited by a full unreserved pool',
      input: { reserved: 5, onDemandRunning: 1, unreservedRunning: 900 },
      expected: { kind: 'admit', pool: 'reserved' },
    },
    {
      name: 'the invoked version’s provisioned environments are used first',
      input: { provisioned: 2, provisionedTotal: 2, reserved: 5, onDemandRunning: 3 },
      expected: provisioned,
    },
    {
      name: 'provisioned is used even when the unreserved pool is full (it was allocated ahead)',
      input: { provisioned: 1, provisionedTotal: 1, unreservedRunning: 900 },
      expected: provisioned,
    },
    {
      name: 'past its provisioned, a version spills over to the unreserved pool',
      input: { provisioned: 2, provisionedRunning: 2, provisionedTotal: 2 },
      expected: { kind: 'admit', pool: 'unreserved' },
    },
    {
      name: 'another version (or $LATEST) does not use a version’s provisioned environments',
      input: { provisioned: 0, provisionedTotal: 2, unreservedRunning: 900 },
      expected: accountFull,
    },
    {
      name: 'with a reservation, on demand gets what provisioning leaves of it (5 − 2 = 3)',
      input: { provisioned: 0, provisionedTotal: 2, reserved: 5, onDemandRunning: 2 },
      expected: { kind: 'admit', pool: 'reserved' },
    },
    {
      name: 'with a reservation, on demand stops at reservation − provisioned, even if provisioned is idle',
      input: { provisioned: 0, provisionedTotal: 2, reserved: 5, onDemandRunning: 3 },
      expected: reservedFull,
    },
    {
      name: 'a reservation wholly provisioned leaves nothing on demand',
      input: { provisioned: 2, provisionedRunning: 2, provisionedTotal: 2, reserved: 2 },
      expected: reservedFull,
    },
    { name: 'unreserved capacity 0', input: { unreservedCapacity: 0 }, expected: accountFull },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(decideAdmission({ ...base, ...row.input }), row.expected));
  }
});
