import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  esmFolders,
  esmHostFolders,
  esmLinkPlan,
  esmMounts,
  farmEntries,
  type FolderListing,
} from './esm-layer-paths.js';

const NODE_PATH =
  '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task:/var/lang/lib/node_modules';
const SDK = { host: '/srv/hearth/node_modules', sandbox: '/var/lang/lib/node_modules' };

test('ESM gets the folders NODE_PATH adds from outside the function, in order: /opt, then read-only binds', () => {
  const table: Array<[Record<string, string>, string[], string[]]> = [
    [
      { NODE_PATH },
      ['/var/lang/lib/node_modules'],
      ['/opt/nodejs/node20/node_modules', '/opt/nodejs/node_modules', '/var/lang/lib/node_modules'],
    ],
    [{ NODE_PATH }, [], ['/opt/nodejs/node20/node_modules', '/opt/nodejs/node_modules']],
    [{ NODE_PATH: '/var/runtime:/var/task' }, ['/var/lang/lib/node_modules'], []],
    [{ PYTHONPATH: '/opt/python' }, [], []],
  ];
  for (const [env, binds, expected] of table) assert.deepEqual(esmFolders(env, binds), expected);
});

test('the host reads /opt in the merged layers (none without layers) and a bind in its host folder', () => {
  const table: Array<[string | undefined, 'sandbox' | 'host', Array<{ read: string; target: string }>]> = [
    [
      '/data/merged/ab',
      'sandbox',
      [
        { read: '/data/merged/ab/nodejs/node20/node_modules', target: '/opt/nodejs/node20/node_modules' },
        { read: '/data/merged/ab/nodejs/node_modules', target: '/opt/nodejs/node_modules' },
        { read: SDK.host, target: SDK.sandbox },
      ],
    ],
    [undefined, 'sandbox', [{ read: SDK.host, target: SDK.sandbox }]],
    [
      '/data/merged/ab',
      'host',
      [
        { read: '/data/merged/ab/nodejs/node20/node_modules', target: '/data/merged/ab/nodejs/node20/node_modules' },
        { read: '/data/merged/ab/nodejs/node_modules', target: '/data/merged/ab/nodejs/node_modules' },
        { read: SDK.host, target: SDK.host },
      ],
    ],
  ];
  for (const [optDir, paths, expected] of table)
    assert.deepEqual(esmHostFolders({ NODE_PATH }, optDir, [SDK], paths), expected, `${optDir} ${paths}`);
});

test('one folder per link point, nearest first; with more folders than points the first ones merge', () => {
  const table: Array<[string[], Array<{ at: string; folders: string[] }>]> = [
    [[], []],
    [['sdk'], [{ at: '/var/node_modules', folders: ['sdk'] }]],
    [
      ['layer', 'sdk'],
      [
        { at: '/var/node_modules', folders: ['layer'] },
        { at: '/node_modules', folders: ['sdk'] },
      ],
    ],
    [
      ['node20', 'layer', 'sdk'],
      [
        { at: '/var/node_modules', folders: ['node20', 'layer'] },
        { at: '/node_modules', folders: ['sdk'] },
      ],
    ],
  ];
  for (const [present, expected] of table) assert.deepEqual(esmLinkPlan(present), expected);
});

test('a link farm takes each package from the first folder that has it, merging an @scope two folders have', () => {
  const layer: FolderListing = {
    folder: '/opt/nodejs/node_modules',
    names: ['greeter', '@aws-sdk', '.bin', 'uuid', '@mine'],
    scopes: { '@aws-sdk': ['client-s3', 'client-lambda'], '@mine': ['tool'] },
  };
  const sdk: FolderListing = {
    folder: '/var/lang/lib/node_modules',
    names: ['uuid', '@aws-sdk', '@smithy', '.package-lock.json'],
    scopes: { '@aws-sdk': ['client-lambda', 'core'], '@smithy': ['types'] },
  };
  assert.deepEqual(
    farmEntries([layer, sdk])
      .map((entry) => `${entry.name} → ${entry.target}`)
      .sort(),
    [
      '@aws-sdk/client-lambda → /opt/nodejs/node_modules/@aws-sdk/client-lambda',
      '@aws-sdk/client-s3 → /opt/nodejs/node_modules/@aws-sdk/client-s3',
      '@aws-sdk/core → /var/lang/lib/node_modules/@aws-sdk/core',
      '@mine → /opt/nodejs/node_modules/@mine',
      '@smithy → /var/lang/lib/node_modules/@smithy',
      'greeter → /opt/nodejs/node_modules/greeter',
      'uuid → /opt/nodejs/node_modules/uuid',
    ],
  );
});

test('a mounting driver shows single folders as symlinks and farms as binds; a pre-started sandbox links into the slot', () => {
  const folder = (target: string) => ({ read: `/host${target}`, target });
  const sdk = folder('/var/lang/lib/node_modules');
  const layer = folder('/opt/nodejs/node_modules');
  const node20 = folder('/opt/nodejs/node20/node_modules');
  const dir = '/state/esm/f00';
  const table: Array<[Array<typeof sdk>, boolean, ReturnType<typeof esmMounts>]> = [
    [[], false, { links: [], binds: [] }],
    [[sdk], false, { links: [{ target: sdk.target, at: '/var/node_modules' }], binds: [] }],
    [
      [layer, sdk],
      false,
      {
        links: [
          { target: layer.target, at: '/var/node_modules' },
          { target: sdk.target, at: '/node_modules' },
        ],
        binds: [],
      },
    ],
    [
      [node20, layer, sdk],
      false,
      {
        links: [{ target: sdk.target, at: '/node_modules' }],
        binds: [{ host: '/state/esm/f00/1', sandbox: '/var/node_modules' }],
      },
    ],
    [
      [sdk],
      true,
      {
        links: [
          { target: '/run/hearth/esm/1', at: '/var/node_modules' },
          { target: '/run/hearth/esm/2', at: '/node_modules' },
        ],
        binds: [{ host: dir, sandbox: '/run/hearth/esm' }],
      },
    ],
  ];
  for (const [present, prestarted, expected] of table)
    assert.deepEqual(esmMounts(esmLinkPlan(present), dir, prestarted), expected);
});
