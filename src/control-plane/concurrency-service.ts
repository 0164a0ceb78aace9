// Reserved concurrency: PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency,
// and the account's unreserved pool GetAccountSettings reports. A reservation may never leave the
// unreserved pool below its minimum (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
import { errors } from '../errors/lambda-error.js';
import type { FunctionRecordStore, ProvisionedConcurrencyStore, ReservedConcurrencyStore } from '../storage/ports.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';

export interface AccountConcurrencyLimits {
  /** Concurrent executions the whole account may run (Lambda's default quota: 1,000). */
  readonly accountConcurrency: number;
  /** What reservations must leave to the functions without one (Lambda: 100). */
  readonly minimumUnreserved: number;
}

export const DEFAULT_CONCURRENCY_LIMITS: AccountConcurrencyLimits = {
  accountConcurrency: 1000,
  minimumUnreserved: 100,
};

export interface ConcurrencyServiceDeps {
  readonly store: ReservedConcurrencyStore &
    Pick<FunctionRecordStore, 'get'> &
    Pick<ProvisionedConcurrencyStore, 'listProvisionedConcurrency'>;
  readonly account: Account;
  readonly limits: AccountConcurrencyLimits;
  readonly onChanged?: ((functionName: string) => void) | undefined;
}

export class ConcurrencyService {
  constructor(private readonly deps: ConcurrencyServiceDeps) {}

  get limits(): AccountConcurrencyLimits {
    return this.deps.limits;
  }

  async put(functionName: string, value: number | undefined): Promise<number> {
    if (value === undefined) {
      throw errors.constraint('null', 'reservedConcurrentExecutions', 'Member must not be null');
    }
    if (value < 0) {
      throw errors.constraint(
        String(value),
        'reservedConcurrentExecutions',
        'Member must have value greater than or equal to 0',
      );
    }
    const name = this.nameOf(functionName);
    const { accountConcurrency, minimumUnreserved } = this.deps.limits;
    const result = await this.deps.store.reserveConcurrency(name, value, accountConcurrency - minimumUnreserved);
    if (result === 'function-not-found') throw errors.functionNotFound(functionArn(this.deps.account, name));
    if (result === 'over-limit') throw errors.unreservedBelowMinimum(minimumUnreserved);
    if (result === 'below-provisioned') {
      const configs = await this.deps.store.listProvisionedConcurrency(name);
      throw errors.reservationBelowProvisioned(configs.reduce((sum, config) => sum + config.requested, 0));
    }
    this.deps.onChanged?.(name);
    return value;
  }

  async get(functionName: string): Promise<number | undefined> {
    const name = this.nameOf(functionName);
    if (!(await this.deps.store.get(name, '$LATEST')))
      throw errors.functionNotFound(functionArn(this.deps.account, name));
    return this.deps.store.reservedConcurrency(name);
  }

  async delete(functionName: string): Promise<void> {
    const name = this.nameOf(functionName);
    if (!(await this.deps.store.clearReservedConcurrency(name))) {
      throw errors.functionNotFound(functionArn(this.deps.account, name));
    }
    this.deps.onChanged?.(name);
  }

  /** The account's concurrency left to functions without a reservation or provisioned concurrency. */
  async unreserved(): Promise<number> {
    return this.deps.limits.accountConcurrency - (await this.deps.store.totalReservedConcurrency());
  }

  private nameOf(functionName: string): string {
    return parseFunctionName(functionName, undefined, this.deps.account).name;
  }
}
