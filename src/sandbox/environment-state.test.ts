import { test } from 'node:test';
import assert from 'node:assert/strict';
import { next, type EnvironmentEvent, type EnvironmentState } from './environment-state.js';

const STATES: EnvironmentState[] = ['starting', 'initialising', 'idle', 'busy', 'resetting', 'gone'];
const EVENTS: EnvironmentEvent[] = [
  'ProcessStarted',
  'InitCompleted',
  'InitFailed',
  'InvokeAssigned',
  'InvokeCompleted',
  'InvokeFailed',
  'Retired',
  'Destroyed',
];

// Every allowed transition; anything not listed must be refused.
const ALLOWED: Array<[EnvironmentState, EnvironmentEvent, EnvironmentState]> = [
  ['starting', 'ProcessStarted', 'initialising'],
  ['starting', 'InitFailed', 'resetting'],
  ['starting', 'Retired', 'resetting'],
  ['initialising', 'InitCompleted', 'idle'],
  ['initialising', 'InitFailed', 'resetting'],
  ['initialising', 'Retired', 'resetting'],
  ['idle', 'InvokeAssigned', 'busy'],
  ['idle', 'Retired', 'resetting'],
  ['busy', 'InvokeCompleted', 'idle'],
  ['busy', 'InvokeFailed', 'resetting'],
  ['busy', 'Retired', 'resetting'],
  ['resetting', 'Retired', 'resetting'],
  ['resetting', 'Destroyed', 'gone'],
];

test('the environment state machine allows exactly the listed transitions', () => {
  for (const state of STATES) {
    for (const event of EVENTS) {
      const allowed = ALLOWED.find(([s, e]) => s === state && e === event);
      const result = next(state, event);
      if (allowed) assert.deepEqual(result, { ok: true, state: allowed[2] }, `${state} + ${event}`);
      else assert.deepEqual(result, { ok: false, error: `Event ${event} is not allowed in state ${state}` });
    }
  }
});

test('a busy sandbox cannot take a second invocation and a gone one never comes back', () => {
  assert.equal(next('busy', 'InvokeAssigned').ok, false);
  for (const event of EVENTS) assert.equal(next('gone', event).ok, false);
});
