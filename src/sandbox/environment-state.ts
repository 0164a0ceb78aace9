// The life of one execution environment as an explicit state machine (after OpenWhisk's
// ContainerProxy): a pure transition function, so every allowed and refused step is in a table test.
//
//   starting ──ProcessStarted──▶ initialising ──InitCompleted──▶ idle ◀──InvokeCompleted── busy
//                                     │                          │  └──InvokeAssigned──▶  │
//                                     └─InitFailed─┐             └─Retired─┐              └─InvokeFailed─┐
//                                                  ▼                       ▼                             ▼
//                                               resetting ──────Destroyed──────▶ gone
//
// Lambda's lifecycle (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html):
// a crash or timeout during Invoke resets the environment; the next invoke gets a fresh one.

export type EnvironmentState = 'starting' | 'initialising' | 'idle' | 'busy' | 'resetting' | 'gone';

export type EnvironmentEvent =
  | 'ProcessStarted'
  | 'InitCompleted'
  | 'InitFailed'
  | 'InvokeAssigned'
  | 'InvokeCompleted'
  /** Timeout, exit or anything that leaves the runtime unusable. */
  | 'InvokeFailed'
  /** Evicted, retired, shut down or the process exited while idle. */
  | 'Retired'
  | 'Destroyed';

export type Transition =
  { readonly ok: true; readonly state: EnvironmentState } | { readonly ok: false; readonly error: string };

const TABLE: Readonly<Record<EnvironmentState, Partial<Record<EnvironmentEvent, EnvironmentState>>>> = {
  starting: { ProcessStarted: 'initialising', InitFailed: 'resetting', Retired: 'resetting' },
  initialising: { InitCompleted: 'idle', InitFailed: 'resetting', Retired: 'resetting' },
  idle: { InvokeAssigned: 'busy', Retired: 'resetting' },
  busy: { InvokeCompleted: 'idle', InvokeFailed: 'resetting', Retired: 'resetting' },
  resetting: { Destroyed: 'gone', Retired: 'resetting' },
  gone: {},
};

export function next(state: EnvironmentState, event: EnvironmentEvent): Transition {
  const target = TABLE[state][event];
  if (target === undefined) return { ok: false, error: `Event ${event} is not allowed in state ${state}` };
  return { ok: true, state: target };
}
