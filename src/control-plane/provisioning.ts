// The port through which the control plane keeps provisioned concurrency running: it asks for a
// function's configurations to be applied again after any change, and reads the status the
// running sandboxes give them. The worker manager's Provisioner implements it.

export type ProvisionedStatus = 'IN_PROGRESS' | 'READY' | 'FAILED';

export interface ProvisionedConcurrencyStatus {
  readonly status: ProvisionedStatus;
  readonly statusReason: string | undefined;
  /** AvailableProvisionedConcurrentExecutions. */
  readonly available: number;
  /** AllocatedProvisionedConcurrentExecutions. */
  readonly allocated: number;
}

export interface Provisioning {
  /** Re-reads the function's configurations, aliases and versions and applies them (in the background). */
  reconcile(functionName: string): void;
  /** The status once every change asked for so far has been applied, so a read follows a write. */
  status(functionName: string, qualifier: string): Promise<ProvisionedConcurrencyStatus>;
}
