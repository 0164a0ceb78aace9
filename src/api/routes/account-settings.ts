// GetAccountSettings (`GET /2016-08-19/account-settings`, Lambda API model).
import type { AccountLimit, AccountUsage } from '../../control-plane/account-usage.js';
import type { Route } from '../route.js';

export interface AccountSettingsSource {
  accountSettings(): Promise<{ AccountLimit: AccountLimit; AccountUsage: AccountUsage }>;
}

export function accountSettingsRoutes(source: AccountSettingsSource): Route[] {
  return [
    {
      operation: 'GetAccountSettings',
      method: 'GET',
      path: '/2016-08-19/account-settings',
      handler: async () => ({ status: 200, body: await source.accountSettings() }),
    },
  ];
}
