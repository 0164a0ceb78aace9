// What Hearth stores about one provisioned concurrency configuration: a published version or an
// alias of a function and how many initialised execution environments to keep for it. Status and
// counts of ready environments are not stored: they describe the running sandboxes and are
// rebuilt after a restart (https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html).

export interface ProvisionedConcurrencyRecord {
  readonly functionName: string;
  /** A published version number or an alias name; never `$LATEST`. */
  readonly qualifier: string;
  /** RequestedProvisionedConcurrentExecutions. */
  readonly requested: number;
  readonly lastModified: string;
}
