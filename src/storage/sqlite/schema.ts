import type Database from 'better-sqlite3';

/**
 * The SQLite schema, applied at open. `PRAGMA user_version` records which version a file has; each
 * entry of MIGRATIONS brings a file from version i to i + 1, so a newer build upgrades an older
 * file in place and an older build refuses a newer file rather than misreading it.
 *
 * Times are ms since the epoch, TTLs seconds. Everything is keyed by (project, queue) first, so each
 * query is a range scan inside one queue and nothing can leak across projects.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS queues (
    project   TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL,          -- JSON object
    created   INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL DEFAULT 0, -- highest message seq ever given in this queue
    msg_count INTEGER NOT NULL DEFAULT 0, -- message rows, live or expired but not yet swept
    PRIMARY KEY (project, name)
  ) WITHOUT ROWID;

  -- The last seq of deleted queues: a queue created again under the same name continues after it, so
  -- a marker handed out before the delete never hides the new queue's messages. (Version 2 replaces
  -- it with seq_floor.)
  CREATE TABLE IF NOT EXISTS retired_queues (
    project  TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (project, name)
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS messages (
    project       TEXT    NOT NULL,
    queue         TEXT    NOT NULL,
    seq           INTEGER NOT NULL,      -- per-queue order; the paging marker
    id            TEXT    NOT NULL,      -- UUID, what clients see
    client_id     TEXT    NOT NULL,
    body          TEXT    NOT NULL,      -- JSON
    ttl           INTEGER NOT NULL,      -- seconds; raised by a claim's grace
    created       INTEGER NOT NULL,
    expires       INTEGER NOT NULL,      -- live while expires > now
    delay_until   INTEGER NOT NULL,      -- hidden while delay_until > now
    claim_id      TEXT,                  -- held while claim_id IS NOT NULL AND claim_expires > now
    claim_expires INTEGER,
    claim_count   INTEGER NOT NULL DEFAULT 0
  );
  -- list, claim, pop, stats: range scans in seq order inside one queue.
  CREATE UNIQUE INDEX IF NOT EXISTS messages_queue_seq ON messages (project, queue, seq);
  CREATE UNIQUE INDEX IF NOT EXISTS messages_queue_id ON messages (project, queue, id);
  -- claim get, renew, release: a claim's messages.
  CREATE INDEX IF NOT EXISTS messages_claim ON messages (project, queue, claim_id) WHERE claim_id IS NOT NULL;
  -- stats: claimed = entries with claim_expires > now, counted in the index alone. (claim_expires is
  -- set and cleared together with claim_id.)
  CREATE INDEX IF NOT EXISTS messages_claimed ON messages (project, queue, claim_expires, expires)
    WHERE claim_expires IS NOT NULL;
  -- stats: total = queues.msg_count minus the expired rows not swept yet; sweep finds those rows here.
  CREATE INDEX IF NOT EXISTS messages_queue_expires ON messages (project, queue, expires);

  CREATE TABLE IF NOT EXISTS claims (
    project TEXT    NOT NULL,
    queue   TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    ttl     INTEGER NOT NULL,
    grace   INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (project, queue, id)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS claims_expires ON claims (expires);
  `,
  // 2: retired_queues kept a row for every name ever deleted, without bound (a queue per request
  // grew it forever). One number does the same job: the highest last_seq of any deleted queue.
  // Every new queue starts its counter there, so a queue created again under an old name still
  // numbers its messages above its earlier life's.
  `
  CREATE TABLE seq_floor (
    one   INTEGER PRIMARY KEY CHECK (one = 1),
    value INTEGER NOT NULL
  );
  INSERT INTO seq_floor (one, value) SELECT 1, coalesce(max(last_seq), 0) FROM retired_queues;
  DROP TABLE retired_queues;
  `,
  // 3: subscriptions. The subscriber is unique per queue among rows not yet swept; a create that
  // finds an expired row for its subscriber replaces it.
  `
  CREATE TABLE subscriptions (
    project    TEXT    NOT NULL,
    queue      TEXT    NOT NULL,
    id         TEXT    NOT NULL,      -- UUID v7: id order is creation order
    subscriber TEXT    NOT NULL,
    ttl        INTEGER NOT NULL,      -- seconds
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL,      -- live while expires > now
    options    TEXT    NOT NULL,      -- JSON object
    confirmed  INTEGER NOT NULL DEFAULT 0,
    secret     TEXT    NOT NULL,      -- HMAC key of the webhook signature
    PRIMARY KEY (project, queue, id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX subscriptions_subscriber ON subscriptions (project, queue, subscriber);
  CREATE INDEX subscriptions_expires ON subscriptions (expires);
  `,
  // 4: the outbox of notifications. A post writes one row per message and live subscription in
  // its own transaction; the delivery job leases due rows, and a row is deleted once delivered.
  `
  CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    project         TEXT    NOT NULL,
    queue           TEXT    NOT NULL,
    subscription_id TEXT    NOT NULL,
    ttl             INTEGER NOT NULL,
    body            TEXT    NOT NULL,      -- JSON
    posted          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    due             INTEGER NOT NULL,      -- next attempt, ms
    leased_until    INTEGER NOT NULL DEFAULT 0,
    error           TEXT
  );
  CREATE INDEX deliveries_due ON deliveries (due, id);
  CREATE TABLE failed_deliveries (
    id              INTEGER PRIMARY KEY,
    project         TEXT    NOT NULL,
    queue           TEXT    NOT NULL,
    subscription_id TEXT    NOT NULL,
    ttl             INTEGER NOT NULL,
    body            TEXT    NOT NULL,
    posted          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    failed          INTEGER NOT NULL,
    error           TEXT    NOT NULL
  );
  CREATE INDEX failed_deliveries_subscription ON failed_deliveries (project, queue, subscription_id, id);
  `,
  // 5: confirmation requests go through the outbox too (see DeliveryKind).
  `
  ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'notification';
  ALTER TABLE failed_deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'notification';
  `,
  // 6: pooling's registry (see pool-registry.contract.ts), used when this file is the management
  // store. registry_version changes with every write but a new catalog entry.
  `
  CREATE TABLE pools (
    name    TEXT    PRIMARY KEY,
    uri     TEXT    NOT NULL UNIQUE,
    weight  INTEGER NOT NULL,
    flavor  TEXT,
    options TEXT    NOT NULL          -- JSON object
  ) WITHOUT ROWID;
  CREATE TABLE flavors (
    project TEXT NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (project, name)
  ) WITHOUT ROWID;
  CREATE TABLE catalog (
    project TEXT NOT NULL,
    queue   TEXT NOT NULL,
    pool    TEXT NOT NULL,            -- '' is the management store itself
    PRIMARY KEY (project, queue)
  ) WITHOUT ROWID;
  CREATE INDEX catalog_pool ON catalog (pool, project, queue);
  CREATE TABLE registry_version (
    one   INTEGER PRIMARY KEY CHECK (one = 1),
    value INTEGER NOT NULL
  );
  INSERT INTO registry_version (one, value) VALUES (1, 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function applySchema(db: Database.Database): void {
  const migrate = db.transaction(() => {
    // Read inside the (immediate) transaction so two processes opening one file do not both migrate.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(`SQLite database has schema version ${current}, newer than this build's ${SCHEMA_VERSION}`);
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });
  migrate.immediate();
}
