import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  combineResolvers,
  CREDENTIALS_FILE,
  loadOperatorCredentials,
  SessionCredentials,
  staticCredentials,
} from './credentials.js';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hearth-credentials-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('configured credentials win and nothing is written', () =>
  withDir(async (dir) => {
    const credential = await loadOperatorCredentials(dir, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    assert.deepEqual(credential, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
    assert.deepEqual(await readdir(dir), []);
  }));

test('only one of the two configured values is a clear error', () =>
  withDir(async (dir) => {
    await assert.rejects(
      loadOperatorCredentials(dir, { accessKeyId: 'AKIAEXAMPLE' }),
      /Both HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY/,
    );
    await assert.rejects(
      loadOperatorCredentials(dir, { secretAccessKey: 's' }),
      /Both HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY/,
    );
  }));

test('generated once into the data dir (0600), then read back', () =>
  withDir(async (root) => {
    const dir = path.join(root, 'data');
    const first = await loadOperatorCredentials(dir, {});
    assert.match(first.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
    assert.match(first.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
    const file = path.join(dir, CREDENTIALS_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), first);
    assert.deepEqual(await loadOperatorCredentials(dir, {}), first);
    assert.deepEqual(await readdir(dir), [CREDENTIALS_FILE], 'no temp files left behind');
  }));

test('concurrent first starts agree on one credential', () =>
  withDir(async (dir) => {
    const all = await Promise.all(Array.from({ length: 8 }, () => loadOperatorCredentials(dir, {})));
    for (const c of all) assert.deepEqual(c, all[0]);
    assert.deepEqual(await readdir(dir), [CREDENTIALS_FILE]);
  }));

test('a corrupt credentials file is reported, not replaced', () =>
  withDir(async (dir) => {
    await writeFile(path.join(dir, CREDENTIALS_FILE), '{"accessKeyId": 1}');
    await assert.rejects(loadOperatorCredentials(dir, {}), /credentials\.json is not valid/);
    assert.equal(await readFile(path.join(dir, CREDENTIALS_FILE), 'utf8'), '{"accessKeyId": 1}');
  }));

test('session credentials are unique, resolvable, and gone once revoked', () => {
  const sessions = new SessionCredentials();
  const a = sessions.issue();
  const b = sessions.issue();
  assert.match(a.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  assert.notEqual(a.accessKeyId, b.accessKeyId);
  assert.ok(a.sessionToken !== undefined && a.sessionToken.length >= 32);
  assert.deepEqual(sessions.lookup(a.accessKeyId), a);
  sessions.revoke(a.accessKeyId);
  assert.equal(sessions.lookup(a.accessKeyId), undefined);
  assert.deepEqual(sessions.lookup(b.accessKeyId), b);
});

test('combined resolvers ask each in turn', () => {
  const operator = { accessKeyId: 'AKIAOPERATOR', secretAccessKey: 's' };
  const sessions = new SessionCredentials();
  const session = sessions.issue();
  const resolver = combineResolvers(staticCredentials(operator), sessions);
  assert.deepEqual(resolver.lookup('AKIAOPERATOR'), operator);
  assert.deepEqual(resolver.lookup(session.accessKeyId), session);
  assert.equal(resolver.lookup('AKIAUNKNOWN'), undefined);
  sessions.revoke(session.accessKeyId);
  assert.equal(resolver.lookup(session.accessKeyId), undefined);
});
