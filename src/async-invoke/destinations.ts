// Delivering invocation records to on-success / on-failure destinations. Hearth has one kind of
// destination today, another Lambda function (SQS, SNS and EventBridge destinations are refused
// when the configuration is written: docs/async.md); the record is invoked on it asynchronously,
// so it is queued durably like any event. A record no destination takes is returned to the
// poller, which keeps it in the undeliverable table (matrix row B19) instead of dropping it.
import type { Invoker } from '../frontend/invocation.js';
import { functionArn, type Account } from '../control-plane/function-name.js';
import type { UndeliverableEvent } from '../storage/ports.js';
import { invocationRecord, type AttemptResponse } from './invocation-record.js';
import type { FailureCondition } from './retry-policy.js';

export interface RecordToSend {
  readonly requestId: string;
  readonly functionName: string;
  /** `$LATEST`, a version or an alias: the ARN in the record carries it. */
  readonly qualifier: string;
  readonly condition: 'Success' | FailureCondition;
  readonly approximateInvokeCount: number;
  readonly requestPayload: Buffer;
  readonly response: AttemptResponse | undefined;
  readonly timestamp: Date;
}

export class Destinations {
  constructor(
    private readonly invoker: Invoker,
    private readonly account: Account,
  ) {}

  /** Sends the record; undefined when it was taken, else what to keep as undeliverable. */
  async send(destination: string, toSend: RecordToSend): Promise<UndeliverableEvent | undefined> {
    const record = JSON.stringify(
      invocationRecord({
        requestId: toSend.requestId,
        functionArn: functionArn(this.account, toSend.functionName, toSend.qualifier),
        condition: toSend.condition,
        approximateInvokeCount: toSend.approximateInvokeCount,
        requestPayload: toSend.requestPayload,
        response: toSend.response,
        timestamp: toSend.timestamp,
      }),
    );
    const outcome = await this.invoker.invoke({
      functionName: destination,
      qualifier: undefined,
      payload: Buffer.from(record),
      invocationType: 'Event',
      logType: 'None',
      clientContext: undefined,
    });
    if (outcome.kind === 'queued') return undefined;
    const reason =
      outcome.kind === 'rejected' ? `${outcome.error.code}: ${outcome.error.message}` : `unexpected ${outcome.kind}`;
    return { reason, destination, record };
  }
}
