// When a function can be invoked after a create or update: State Active and LastUpdateStatus
// Successful. https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
import type { FunctionConfiguration } from './lambda-wire.js';

export type Readiness =
  | { readonly kind: 'ready' }
  | { readonly kind: 'waiting'; readonly status: string }
  | { readonly kind: 'failed'; readonly reason: string };

export function functionReadiness(configuration: FunctionConfiguration): Readiness {
  const state = configuration.State ?? 'Active';
  const update = configuration.LastUpdateStatus ?? 'Successful';
  if (state === 'Failed') {
    return { kind: 'failed', reason: reason('State Failed', configuration.StateReasonCode, configuration.StateReason) };
  }
  if (update === 'Failed') {
    return {
      kind: 'failed',
      reason: reason(
        'LastUpdateStatus Failed',
        configuration.LastUpdateStatusReasonCode,
        configuration.LastUpdateStatusReason,
      ),
    };
  }
  if (state === 'Active' && update === 'Successful') return { kind: 'ready' };
  return { kind: 'waiting', status: `State ${state}, LastUpdateStatus ${update}` };
}

function reason(what: string, code: string | undefined, text: string | undefined): string {
  return [what, code, text].filter((part) => part !== undefined && part !== '').join(': ');
}
