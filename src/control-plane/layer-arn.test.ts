import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLayerRef, type LayerRef } from './layer-arn.js';

const account = { region: 'us-east-1', accountId: '000000000000' };
const ARN = 'arn:aws:lambda:us-east-1:000000000000:layer:shared';
type Allow = Parameters<typeof parseLayerRef>[2];
const fnLayers: Allow = { bareName: true, version: 'optional' };
const layerName: Allow = { bareName: true, version: 'never' };
const byArn: Allow = { bareName: false, version: 'required' };

test('layer names and ARNs, with and without version, per operation', () => {
  const table: Array<[string, Allow, LayerRef | undefined]> = [
    [`${ARN}:3`, fnLayers, { name: 'shared', version: 3, local: true }],
    [ARN, fnLayers, { name: 'shared', version: undefined, local: true }],
    ['shared', fnLayers, { name: 'shared', version: undefined, local: true }],
    ['shared:3', fnLayers, undefined],
    ['arn:aws:lambda:eu-west-1:000000000000:layer:shared:1', fnLayers, { name: 'shared', version: 1, local: false }],
    [
      'arn:aws:lambda:us-east-1:111111111111:layer:shared',
      fnLayers,
      { name: 'shared', version: undefined, local: false },
    ],
    ['arn:aws:lambda:us-east-1:000000000000:function:shared', fnLayers, undefined],
    ['', fnLayers, undefined],
    ['x'.repeat(141), fnLayers, undefined],
    ['shared', layerName, { name: 'shared', version: undefined, local: true }],
    [ARN, layerName, { name: 'shared', version: undefined, local: true }],
    [`${ARN}:3`, layerName, undefined],
    [`${ARN}:3`, byArn, { name: 'shared', version: 3, local: true }],
    [ARN, byArn, undefined],
    ['shared', byArn, undefined],
  ];
  for (const [text, allow, expected] of table) {
    assert.deepEqual(parseLayerRef(text, account, allow), expected, `${text} ${JSON.stringify(allow)}`);
  }
});
