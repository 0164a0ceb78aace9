// Layer names and ARNs: the `LayerName` of the layer operations, the `Arn` of
// GetLayerVersionByArn, and the entries of a function's `Layers`. Patterns from the Lambda API
// model (LayerName, LayerVersionArn shapes). Beyond Lambda, a function's `Layers` may name a layer
// without a version (an unversioned ARN or a bare name); it then means "the latest version".
import type { Account } from './function-name.js';

export const LAYER_NAME_PATTERN =
  '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
export const LAYER_VERSION_ARN_PATTERN = 'arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+';
/** What Hearth accepts in a function's `Layers`: Lambda's versioned ARN, or a layer without version. */
export const LAYER_REFERENCE_PATTERN =
  '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+(:[0-9]+)?)|[a-zA-Z0-9-_]+';

const ARN = /^arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)(?::([0-9]+))?$/;
const BARE_NAME = /^[a-zA-Z0-9-_]+$/;
const MAX_LENGTH = 140;

/** A parsed layer name or ARN. `version` is set only when the text carried one. */
export interface LayerRef {
  readonly name: string;
  readonly version: number | undefined;
  /** False when the ARN names another region or account: such a layer never exists here. */
  readonly local: boolean;
}

export function layerArn(account: Account, name: string): string {
  return `arn:aws:lambda:${account.region}:${account.accountId}:layer:${name}`;
}

export function layerVersionArn(account: Account, name: string, version: number): string {
  return `${layerArn(account, name)}:${version}`;
}

/** Parses `text`; `allow` says which forms the caller's operation takes. Undefined: no match. */
export function parseLayerRef(
  text: string,
  account: Account,
  allow: { readonly bareName: boolean; readonly version: 'never' | 'optional' | 'required' },
): LayerRef | undefined {
  if (text.length < 1 || text.length > MAX_LENGTH) return undefined;
  const arn = ARN.exec(text);
  if (arn !== null) {
    const versionText = arn[5];
    if (versionText === undefined ? allow.version === 'required' : allow.version === 'never') return undefined;
    const version = versionText === undefined ? undefined : Number(versionText);
    if (version !== undefined && !Number.isSafeInteger(version)) return undefined;
    const local = arn[2] === account.region && arn[3] === account.accountId;
    return { name: arn[4] ?? '', version, local };
  }
  if (allow.bareName && allow.version !== 'required' && BARE_NAME.test(text)) {
    return { name: text, version: undefined, local: true };
  }
  return undefined;
}
