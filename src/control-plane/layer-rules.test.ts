import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionLayer } from './layer-record.js';
import { layerProblem, MAX_UNZIPPED_WITH_LAYERS } from './layer-rules.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:layer';

function layer(name: string, version: number, extra: Partial<FunctionLayer> = {}): FunctionLayer {
  return {
    arn: `${ARN}:${name}:${version}`,
    codeSha256: 'x',
    codeSize: 10,
    unzippedSize: 1000,
    compatibleRuntimes: [],
    compatibleArchitectures: [],
    ...extra,
  };
}

const node = { runtime: 'nodejs20.x', architectures: ['x86_64'], unzippedSize: 1000 };

test('the first problem with a function’s layers, or none', () => {
  const table: Array<[string, readonly FunctionLayer[], typeof node, string | undefined]> = [
    ['no layers', [], node, undefined],
    ['five layers', ['a', 'b', 'c', 'd', 'e'].map((n) => layer(n, 1)), node, undefined],
    [
      'six layers',
      ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => layer(n, 1)),
      node,
      'Cannot reference more than 5 layers.',
    ],
    [
      'the same layer twice',
      [layer('a', 1), layer('b', 1), layer('a', 2)],
      node,
      `Two different versions of the same layer are not allowed to be referenced in the same function. ${ARN}:a:1 and ${ARN}:a:2 are versions of the same layer.`,
    ],
    ['no declared runtimes: compatible with all', [layer('a', 1)], { ...node, runtime: 'python3.12' }, undefined],
    [
      'declared runtime matches',
      [layer('a', 1, { compatibleRuntimes: ['nodejs18.x', 'nodejs20.x'] })],
      node,
      undefined,
    ],
    [
      'declared runtimes without the function’s',
      [layer('a', 1, { compatibleRuntimes: ['python3.12'] })],
      node,
      `Layer version ${ARN}:a:1 is not compatible with the runtime nodejs20.x. Its compatible runtimes are [python3.12].`,
    ],
    [
      'declared architectures without the function’s',
      [layer('a', 1, { compatibleArchitectures: ['arm64'] })],
      node,
      `Layer version ${ARN}:a:1 is not compatible with the architecture x86_64. Its compatible architectures are [arm64].`,
    ],
    [
      'exactly 250 MB with the code',
      [layer('a', 1, { unzippedSize: MAX_UNZIPPED_WITH_LAYERS - 1000 })],
      node,
      undefined,
    ],
    [
      'one byte over 250 MB',
      [layer('a', 1, { unzippedSize: MAX_UNZIPPED_WITH_LAYERS - 1000 }), layer('b', 1, { unzippedSize: 1 })],
      node,
      'Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is 262144001 bytes.',
    ],
  ];
  for (const [name, layers, fn, expected] of table) {
    assert.equal(layerProblem(layers, fn)?.message, expected, name);
    if (expected !== undefined) assert.equal(layerProblem(layers, fn)?.code, 'InvalidParameterValueException', name);
  }
});
