// Which version an invocation through an alias runs. Pure: the caller supplies the random number,
// so the choice is a table test. Lambda sends the additional version its weight's share of
// invocations (https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html).

export interface AliasTarget {
  readonly functionVersion: string;
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
}

/** `random` is uniform in [0, 1): below the extra version's weight, that version runs. */
export function pickAliasVersion(alias: AliasTarget, random: number): string {
  let threshold = 0;
  for (const [version, weight] of Object.entries(alias.additionalVersionWeights)) {
    threshold += weight;
    if (random < threshold) return version;
  }
  return alias.functionVersion;
}
