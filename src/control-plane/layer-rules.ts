// Pure decisions about the layers of one function: how many, no layer twice, compatible with the
// function's runtime and architecture, and the unzipped size of code and layers together.
// Limits from Lambda's quotas page (5 layers; 250 MB unzipped including layers). AWS treats
// CompatibleRuntimes as metadata for ListLayers; Hearth enforces it (docs/layers.md).
import { errors, type LambdaError } from '../errors/lambda-error.js';
import type { FunctionLayer } from './layer-record.js';

export const MAX_LAYERS = 5;
/** Lambda's unzipped deployment package quota, function and layers together. */
export const MAX_UNZIPPED_WITH_LAYERS = 262_144_000;

/** The layer name of a layer version ARN (`…:layer:NAME:3` → `NAME`). */
function layerNameOf(arn: string): string {
  const parts = arn.split(':');
  return parts[parts.length - 2] ?? arn;
}

/** The first problem with using `layers` (in order) on a function, or undefined when there is none. */
export function layerProblem(
  layers: readonly FunctionLayer[],
  fn: { readonly runtime: string; readonly architectures: readonly string[]; readonly unzippedSize: number },
): LambdaError | undefined {
  if (layers.length > MAX_LAYERS) return errors.tooManyLayers(MAX_LAYERS);
  const seen = new Map<string, string>();
  for (const layer of layers) {
    const name = layerNameOf(layer.arn);
    const earlier = seen.get(name);
    if (earlier !== undefined) return errors.duplicateLayer(earlier, layer.arn);
    seen.set(name, layer.arn);
  }
  for (const layer of layers) {
    if (layer.compatibleRuntimes.length > 0 && !layer.compatibleRuntimes.includes(fn.runtime)) {
      return errors.layerIncompatibleRuntime(layer.arn, fn.runtime, layer.compatibleRuntimes);
    }
    const architecture = fn.architectures[0] ?? 'x86_64';
    if (layer.compatibleArchitectures.length > 0 && !layer.compatibleArchitectures.includes(architecture)) {
      return errors.layerIncompatibleArchitecture(layer.arn, architecture, layer.compatibleArchitectures);
    }
  }
  if (layers.length > 0) {
    const total = layers.reduce((sum, layer) => sum + layer.unzippedSize, fn.unzippedSize);
    if (total > MAX_UNZIPPED_WITH_LAYERS) return errors.codeAndLayersTooLarge(MAX_UNZIPPED_WITH_LAYERS, total);
  }
  return undefined;
}
