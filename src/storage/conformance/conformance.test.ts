// Runs every storage conformance suite against every backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { createMemoryStorage } from '../memory/memory-storage.js';
import { openSqliteStorage } from '../sqlite/sqlite-storage.js';
import { asyncQueueConformance } from './async-queue.case.js';
import { eventInvokeConfigConformance } from './event-invoke-config.case.js';
import { aliasStoreConformance } from './alias-store.case.js';
import { functionStoreConformance } from './function-store.case.js';
import { layerStoreConformance } from './layer-store.case.js';
import { conformanceLogRetention, logStoreConformance } from './log-store.case.js';
import { provisionedStoreConformance } from './provisioned-store.case.js';
import { versionStoreConformance } from './version-store.case.js';

const options = { logRetentionEvents: conformanceLogRetention };
const tempRoot = mkdtempSync(path.join(tmpdir(), 'hearth-conformance-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

let opened = 0;
const openSqlite = () => openSqliteStorage(path.join(tempRoot, `store-${(opened += 1)}.db`), options);
const openMemory = () => createMemoryStorage(options);

functionStoreConformance('memory', openMemory);
functionStoreConformance('sqlite', openSqlite);
versionStoreConformance('memory', openMemory);
versionStoreConformance('sqlite', openSqlite);
aliasStoreConformance('memory', openMemory);
aliasStoreConformance('sqlite', openSqlite);
provisionedStoreConformance('memory', openMemory);
provisionedStoreConformance('sqlite', openSqlite);
logStoreConformance('memory', openMemory);
logStoreConformance('sqlite', openSqlite);
logStoreConformance('sqlite, logs in a worker thread', () =>
  openSqliteStorage(path.join(tempRoot, `store-${(opened += 1)}.db`), { ...options, logsInWorker: true }),
);
layerStoreConformance('memory', openMemory);
layerStoreConformance('sqlite', openSqlite);
asyncQueueConformance('memory', openMemory);
asyncQueueConformance('sqlite', openSqlite);
eventInvokeConfigConformance('memory', openMemory);
eventInvokeConfigConformance('sqlite', openSqlite);
