// What Hearth stores about one alias: a name that points at a published version, optionally
// sending a share of invocations to one more version. Field names follow Lambda's
// AliasConfiguration (https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html).

export interface AliasRecord {
  readonly functionName: string;
  readonly name: string;
  /** A published version number, or `$LATEST`. */
  readonly functionVersion: string;
  readonly description: string;
  /** RoutingConfig.AdditionalVersionWeights: at most one other version and its share (0.0–1.0). */
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
  /** Changes on every update; UpdateAlias may name it as a precondition. */
  readonly revisionId: string;
}
