// The engine's one SQLite database. WAL + synchronous=FULL: a write is on disk before the HTTP answer
// that acknowledges it leaves the process, so a kill -9 loses nothing the engine confirmed.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
-- The rows that belong to a VM (NICs, disk attachments): EntityStore.listOfVm.
CREATE INDEX IF NOT EXISTS entities_vm ON entities (kind, json_extract(json, '$.vm.id'));
-- Entities by name, case-insensitively: a search name=X over thousands of VMs (EntityStore.listByName).
CREATE INDEX IF NOT EXISTS entities_name ON entities (kind, lower(json_extract(json, '$.name')));
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  scope TEXT NOT NULL,
  valid_to INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS timers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  handler TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  payload TEXT NOT NULL
);
`;

export function openDatabase(stateDir: string): Db {
  fs.mkdirSync(stateDir, { recursive: true });
  const db = new Database(path.join(stateDir, "engine.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.exec(SCHEMA);
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  ).run(key, value);
}
