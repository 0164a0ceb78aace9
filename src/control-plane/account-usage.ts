// GetAccountSettings: the account's limits (Lambda's default quotas,
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) and its usage.
import type { FunctionStore } from '../storage/ports.js';

export interface AccountLimit {
  readonly TotalCodeSize: number;
  readonly CodeSizeUnzipped: number;
  readonly CodeSizeZipped: number;
  readonly ConcurrentExecutions: number;
  readonly UnreservedConcurrentExecutions: number;
}

export interface AccountUsage {
  readonly TotalCodeSize: number;
  readonly FunctionCount: number;
}

export const ACCOUNT_LIMIT: AccountLimit = {
  TotalCodeSize: 80_530_636_800, // 75 GB of stored zips and layers
  CodeSizeUnzipped: 262_144_000,
  CodeSizeZipped: 52_428_800,
  ConcurrentExecutions: 1000,
  UnreservedConcurrentExecutions: 1000,
};

/** Counts the functions and adds up the code size of each (as Lambda counts it, per function). */
export async function measureAccountUsage(store: FunctionStore, pageSize = 500): Promise<AccountUsage> {
  let totalCodeSize = 0;
  let functionCount = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.list(after, pageSize);
    for (const record of page) {
      totalCodeSize += record.codeSize;
      functionCount += 1;
    }
    if (page.length < pageSize) return { TotalCodeSize: totalCodeSize, FunctionCount: functionCount };
    after = page[page.length - 1]?.name;
  }
}
