// What Hearth stores about one layer version, and what a function records about each layer it
// uses. Field names follow Lambda's GetLayerVersion response and `Layer` shape
// (https://docs.aws.amazon.com/lambda/latest/api/API_GetLayerVersion.html) in camelCase.

/** One statement of a layer version's resource-based policy (AddLayerVersionPermission). */
export interface LayerStatement {
  readonly sid: string;
  readonly action: string;
  /** An account id, `*`, or `arn:aws:iam::ACCOUNT:root`, as given. */
  readonly principal: string;
  readonly organizationId?: string;
}

export interface LayerPolicy {
  /** Changes on every AddLayerVersionPermission / RemoveLayerVersionPermission. */
  readonly revisionId: string;
  readonly statements: readonly LayerStatement[];
}

export interface LayerVersionRecord {
  readonly layerName: string;
  /** 1, 2, … per layer name; never reused, even after a delete. */
  readonly version: number;
  readonly description: string;
  readonly licenseInfo?: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /** Base64 SHA-256 of the zip; the key of its archive and tree in the code store. */
  readonly codeSha256: string;
  /** Size of the zip in bytes. */
  readonly codeSize: number;
  /** Bytes of the extracted files; counts against the 250 MB unzipped limit of functions. */
  readonly unzippedSize: number;
  readonly createdDate: string;
  readonly policy: LayerPolicy;
}

/**
 * A layer as a function's configuration records it: the resolved version and everything needed
 * to run and check it even after the layer version itself is deleted (as on Lambda, a function
 * keeps working with a deleted layer version it already uses).
 */
export interface FunctionLayer {
  /** The layer version ARN, always with its version number. */
  readonly arn: string;
  readonly codeSha256: string;
  readonly codeSize: number;
  readonly unzippedSize: number;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
  /**
   * Set when the caller named the layer without a version (Hearth's extension): the reference as
   * given, re-resolved to the latest version whenever the configuration is saved or published.
   */
  readonly floating?: string;
}
