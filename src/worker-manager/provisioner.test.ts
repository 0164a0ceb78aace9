// The Provisioner turns stored configurations into worker-manager targets: versions, aliases split
// by weight, versions not yet Active, configurations that are gone, and start-up after a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LATEST } from '../control-plane/function-record.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { sampleRecord } from '../storage/conformance/sample-record.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite-storage.js';
import type { ProvisionTarget } from './provisioned-fleet.js';
import { Provisioner } from './provisioner.js';

function fakeWorkers() {
  const targets = new Map<string, ProvisionTarget>();
  return {
    targets,
    provision: (target: ProvisionTarget) => void targets.set(target.id, target),
    unprovision: (id: string) => void targets.delete(id),
    provisionedIdsOf: (name: string) => [...targets.keys()].filter((id) => id.startsWith(`${name}:`)),
    provisionedState: () => undefined,
  };
}

/** version → count, per target. */
function shares(target: ProvisionTarget | undefined): Record<string, number> {
  return Object.fromEntries((target?.allocations ?? []).map((a) => [a.fn.version, a.count]));
}

test('configurations become targets; an alias splits by weight; a version still Pending gets nothing yet', async () => {
  const storage = createMemoryStorage({ logRetentionEvents: 10 });
  const store = storage.functions;
  await store.insert(sampleRecord({ name: 'f', version: LATEST }));
  await store.insert(sampleRecord({ name: 'f', version: '1', codeSha256: 'sha-1' }));
  await store.insert(sampleRecord({ name: 'f', version: '2', state: 'Pending' }));
  await store.insertAlias({
    functionName: 'f',
    name: 'live',
    functionVersion: '1',
    description: '',
    additionalVersionWeights: {},
    revisionId: 'a1',
  });
  await store.putProvisionedConcurrency(
    { functionName: 'f', qualifier: 'live', requested: 4, lastModified: 't1' },
    900,
  );
  await store.putProvisionedConcurrency({ functionName: 'f', qualifier: '2', requested: 1, lastModified: 't1' }, 900);

  const workers = fakeWorkers();
  const provisioner = new Provisioner({ store, workers, codeDirFor: (sha) => `/code/${sha}` });
  await provisioner.start();
  assert.deepEqual(shares(workers.targets.get('f:live')), { '1': 4 });
  assert.equal(workers.targets.get('f:live')?.allocations[0]?.codeDir, '/code/sha-1');
  assert.deepEqual(shares(workers.targets.get('f:2')), {}, 'Pending: nothing to start until it is Active');
  assert.deepEqual(await provisioner.status('f', '2'), {
    status: 'IN_PROGRESS',
    statusReason: undefined,
    available: 0,
    allocated: 0,
  });

  // Version 2 becomes Active and the alias shifts a quarter of its traffic to it.
  const v2 = await store.get('f', '2');
  await store.update('f', '2', v2?.revisionId ?? '', { state: 'Active' }, { revisionId: 'r2', lastModified: 't2' });
  await store.updateAlias(
    {
      functionName: 'f',
      name: 'live',
      functionVersion: '1',
      description: '',
      additionalVersionWeights: { '2': 0.25 },
      revisionId: 'a2',
    },
    'a1',
  );
  await provisioner.apply('f');
  assert.deepEqual(shares(workers.targets.get('f:live')), { '1': 3, '2': 1 });
  assert.deepEqual(shares(workers.targets.get('f:2')), { '2': 1 });

  // A deleted configuration's target goes.
  await store.deleteProvisionedConcurrency('f', '2');
  await provisioner.apply('f');
  assert.deepEqual([...workers.targets.keys()], ['f:live']);
  await storage.close();
});

test('after a restart on the same database, start() brings every configuration back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-provisioner-'));
  const file = path.join(dir, 'hearth.db');
  try {
    const before = openSqliteStorage(file, { logRetentionEvents: 10 });
    await before.functions.insert(sampleRecord({ name: 'f' }));
    await before.functions.insert(sampleRecord({ name: 'f', version: '1' }));
    await before.functions.putProvisionedConcurrency(
      { functionName: 'f', qualifier: '1', requested: 3, lastModified: 't1' },
      900,
    );
    await before.close();

    const after = openSqliteStorage(file, { logRetentionEvents: 10 });
    const workers = fakeWorkers();
    await new Provisioner({ store: after.functions, workers, codeDirFor: () => '/code' }).start();
    assert.deepEqual(shares(workers.targets.get('f:1')), { '1': 3 });
    await after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
