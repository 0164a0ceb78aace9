// Turns the entries of a function's `Layers` into the layer versions its configuration records.
// A versioned ARN names that version (AWS: "Layer version ARN does not exist." when it is gone).
// Beyond Lambda, an unversioned ARN or a bare layer name means the latest version; the entry keeps
// what was written (`floating`), so saving the configuration again or publishing a version picks
// up a newer layer version (docs/layers.md).
import { errors } from '../errors/lambda-error.js';
import type { Account } from './function-name.js';
import { layerArn, layerVersionArn, parseLayerRef } from './layer-arn.js';
import type { FunctionLayer, LayerVersionRecord } from './layer-record.js';
import type { LayerStore } from '../storage/ports.js';

export class LayerResolver {
  constructor(
    private readonly store: Pick<LayerStore, 'getLayerVersion' | 'listLayerVersions'>,
    private readonly account: Account,
  ) {}

  /** Resolves every reference, in order; throws AWS's error for the first that does not exist. */
  async resolve(references: readonly string[]): Promise<FunctionLayer[]> {
    const resolved: FunctionLayer[] = [];
    for (const reference of references) resolved.push(await this.resolveOne(reference));
    return resolved;
  }

  /** Re-resolves the layers named without a version to their latest versions; the others stay. */
  async refresh(layers: readonly FunctionLayer[]): Promise<FunctionLayer[]> {
    const refreshed: FunctionLayer[] = [];
    for (const layer of layers)
      refreshed.push(layer.floating === undefined ? layer : await this.resolveOne(layer.floating));
    return refreshed;
  }

  private async resolveOne(reference: string): Promise<FunctionLayer> {
    const ref = parseLayerRef(reference, this.account, { bareName: true, version: 'optional' });
    if (ref === undefined || !ref.local) throw errors.layerVersionNotFound(reference);
    if (ref.version !== undefined) {
      const record = await this.store.getLayerVersion(ref.name, ref.version);
      if (!record) throw errors.layerVersionNotFound(layerVersionArn(this.account, ref.name, ref.version));
      return this.toFunctionLayer(record, undefined);
    }
    const [latest] = await this.store.listLayerVersions(ref.name, undefined, 1);
    if (!latest) throw errors.layerVersionNotFound(layerArn(this.account, ref.name));
    return this.toFunctionLayer(latest, reference);
  }

  private toFunctionLayer(record: LayerVersionRecord, floating: string | undefined): FunctionLayer {
    return {
      arn: layerVersionArn(this.account, record.layerName, record.version),
      codeSha256: record.codeSha256,
      codeSize: record.codeSize,
      unzippedSize: record.unzippedSize,
      compatibleRuntimes: [...record.compatibleRuntimes],
      compatibleArchitectures: [...record.compatibleArchitectures],
      ...(floating !== undefined ? { floating } : {}),
    };
  }
}
