// The SQLite schema as an ordered list of migrations. `PRAGMA user_version` records how many have
// run; each new migration is appended, never edited, and runs in its own transaction.
import type { Database } from 'better-sqlite3';

export const migrations: readonly string[] = [
  `
  CREATE TABLE functions (
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    revision_id TEXT NOT NULL,
    record      TEXT NOT NULL, -- the FunctionRecord as JSON
    PRIMARY KEY (name, version)
  ) WITHOUT ROWID;

  CREATE TABLE log_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    function_name TEXT NOT NULL,
    timestamp     INTEGER NOT NULL,
    log_stream    TEXT NOT NULL,
    message       TEXT NOT NULL
  );
  CREATE INDEX log_events_by_function ON log_events (function_name, seq);
  `,
  `
  -- Per function: the highest version number ever published (never reused) and its reservation.
  CREATE TABLE function_settings (
    name                 TEXT PRIMARY KEY,
    last_version         INTEGER NOT NULL DEFAULT 0,
    reserved_concurrency INTEGER
  ) WITHOUT ROWID;

  CREATE TABLE aliases (
    function_name TEXT NOT NULL,
    name          TEXT NOT NULL,
    revision_id   TEXT NOT NULL,
    record        TEXT NOT NULL, -- the AliasRecord as JSON
    PRIMARY KEY (function_name, name)
  ) WITHOUT ROWID;
  `,
  `
  -- Layer versions; the highest version number ever published per layer (never reused).
  CREATE TABLE layer_versions (
    name               TEXT NOT NULL,
    version            INTEGER NOT NULL,
    policy_revision_id TEXT NOT NULL,
    record             TEXT NOT NULL, -- the LayerVersionRecord as JSON
    PRIMARY KEY (name, version)
  ) WITHOUT ROWID;

  CREATE TABLE layer_settings (
    name         TEXT PRIMARY KEY,
    last_version INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  `,
  `
  -- Provisioned concurrency per published version or alias (never $LATEST).
  CREATE TABLE provisioned_concurrency (
    function_name TEXT NOT NULL,
    qualifier     TEXT NOT NULL,
    requested     INTEGER NOT NULL,
    last_modified TEXT NOT NULL,
    PRIMARY KEY (function_name, qualifier)
  ) WITHOUT ROWID;
  `,
  `
  -- Asynchronous invocations (InvocationType Event) waiting to run, one row per accepted event.
  -- due_at: claimable from then on; while claimed (claimed = 1) it is the visibility deadline.
  CREATE TABLE async_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id     TEXT NOT NULL UNIQUE,
    function_name  TEXT NOT NULL,
    qualifier      TEXT,
    payload        BLOB NOT NULL,
    client_context TEXT,
    accepted_at    INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    claimed        INTEGER NOT NULL DEFAULT 0,
    attempts       INTEGER NOT NULL DEFAULT 0,
    throttles      INTEGER NOT NULL DEFAULT 0,
    last_response  TEXT
  );
  CREATE INDEX async_events_due ON async_events (due_at);
  CREATE INDEX async_events_by_function ON async_events (function_name, due_at);

  -- Events whose invocation record no destination could take (kept for replay; docs/async.md).
  CREATE TABLE async_undeliverable (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id    TEXT NOT NULL,
    function_name TEXT NOT NULL,
    reason        TEXT NOT NULL,
    destination   TEXT,
    record        TEXT NOT NULL,
    failed_at     INTEGER NOT NULL
  );

  -- PutFunctionEventInvokeConfig: per function and qualifier ($LATEST, version or alias).
  CREATE TABLE event_invoke_configs (
    function_name TEXT NOT NULL,
    qualifier     TEXT NOT NULL,
    record        TEXT NOT NULL, -- the EventInvokeConfigRecord as JSON
    PRIMARY KEY (function_name, qualifier)
  ) WITHOUT ROWID;
  `,
  `
  -- Who wrote each log line and during which invocation, as Hearth saw it (docs/logs.md, D25).
  -- Lines stored before this had neither: they become function lines of no invocation, the
  -- untrusted side, since Hearth cannot vouch for them.
  ALTER TABLE log_events ADD COLUMN source TEXT NOT NULL DEFAULT 'function'
    CHECK (source IN ('platform', 'function'));
  ALTER TABLE log_events ADD COLUMN request_id TEXT;
  `,
];

/** Brings the database up to the latest schema; refuses a database written by a newer Hearth. */
export function migrate(db: Database, list: readonly string[] = migrations): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > list.length) {
    throw new Error(
      `The database schema is version ${current}, newer than this Hearth understands (${list.length}). Upgrade Hearth.`,
    );
  }
  for (let version = current; version < list.length; version += 1) {
    const sql = list[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
