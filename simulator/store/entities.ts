// A generic entity table: every API object is stored as (kind, id, json) in its API shape. Areas read
// and write their own kinds through this one class; multi-row changes go through `transaction`.
import type { Statement } from "better-sqlite3";
import type { Db } from "./database";

/** Entity kinds known to the engine. New API areas add theirs here. */
export type EntityKind =
  | "data_center"
  | "cluster"
  | "network"
  | "template"
  | "user"
  | "host"
  | "vm"
  | "storage_domain"
  | "storage_connection"
  | "gluster_volume"
  | "vnic_profile"
  | "network_cluster"
  | "disk"
  | "disk_attachment"
  | "vm_nic"
  | "job"
  | "event"
  | "image_transfer"
  | "vm_cdrom"
  /** A seed file applied to this state (seeds/apply.ts). */
  | "seed";

export interface Entity {
  id: string;
}

export class EntityStore {
  private readonly getStmt;
  private readonly listStmt;
  private readonly countStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly deleteStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare("SELECT json FROM entities WHERE kind = ? AND id = ?");
    this.listStmt = db.prepare("SELECT json FROM entities WHERE kind = ?");
    this.countStmt = db.prepare("SELECT COUNT(*) AS n FROM entities WHERE kind = ?");
    this.insertStmt = db.prepare("INSERT INTO entities (kind, id, json) VALUES (?, ?, ?)");
    this.updateStmt = db.prepare("UPDATE entities SET json = ? WHERE kind = ? AND id = ?");
    this.deleteStmt = db.prepare("DELETE FROM entities WHERE kind = ? AND id = ?");
  }

  private writes = 0;
  private dataVersionStmt: Statement<[]> | undefined;

  /**
   * Changes whenever a row may have changed: a write through this store, or a commit by another
   * connection to the database (SQLite's data_version). Answers computed from the store can be
   * reused while it stays the same.
   */
  stamp(): string {
    this.dataVersionStmt ??= this.db.prepare<[]>("PRAGMA data_version");
    return `${this.writes}/${String(this.dataVersionStmt.pluck().get())}`;
  }

  get<T extends Entity>(kind: EntityKind, id: string): T | undefined {
    const row = this.getStmt.get(kind, id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  list<T extends Entity>(kind: EntityKind, where?: (e: T) => boolean): T[] {
    const rows = this.listStmt.all(kind) as Array<{ json: string }>;
    const all = rows.map((r) => JSON.parse(r.json) as T);
    return where ? all.filter(where) : all;
  }

  private listOfVmStmt: Statement<[string, string]> | undefined;

  /** The rows of `kind` whose `vm.id` is `vmId` (NICs, disk attachments), through an index. */
  listOfVm<T extends Entity>(kind: EntityKind, vmId: string): T[] {
    this.listOfVmStmt ??= this.db.prepare<[string, string]>(
      "SELECT json FROM entities WHERE kind = ? AND json_extract(json, '$.vm.id') = ?",
    );
    return (this.listOfVmStmt.all(kind, vmId) as Array<{ json: string }>).map((r) => JSON.parse(r.json) as T);
  }

  private listByNameStmt: Statement<[string, string]> | undefined;

  /**
   * The rows of `kind` whose `name` equals `name` ignoring ASCII case, through an index: the
   * candidates of a `search=name=X` (the search's own matching then decides).
   */
  listByName<T extends Entity>(kind: EntityKind, name: string): T[] {
    this.listByNameStmt ??= this.db.prepare<[string, string]>(
      "SELECT json FROM entities WHERE kind = ? AND lower(json_extract(json, '$.name')) = lower(?)",
    );
    return (this.listByNameStmt.all(kind, name) as Array<{ json: string }>).map(
      (r) => JSON.parse(r.json) as T,
    );
  }

  private readonly pluckStmts = new Map<string, ReturnType<Db["prepare"]>>();

  /**
   * One member (`name`, `mac.address`) of every entity of a kind, read by SQLite without parsing the
   * rows: uniqueness checks over thousands of VMs or NICs stay cheap.
   */
  pluck(kind: EntityKind, member: string): Array<{ id: string; value: unknown }> {
    if (!/^[a-z_]+(\.[a-z_]+)*$/.test(member)) throw new Error(`bad member path ${member}`);
    let stmt = this.pluckStmts.get(member);
    if (!stmt) {
      stmt = this.db.prepare(
        `SELECT id, json_extract(json, '$.${member}') AS value FROM entities WHERE kind = ?`,
      );
      this.pluckStmts.set(member, stmt);
    }
    return stmt.all(kind) as Array<{ id: string; value: unknown }>;
  }

  count(kind: EntityKind): number {
    return (this.countStmt.get(kind) as { n: number }).n;
  }

  insert<T extends Entity>(kind: EntityKind, entity: T): void {
    this.writes++;
    this.insertStmt.run(kind, entity.id, JSON.stringify(entity));
  }

  update<T extends Entity>(kind: EntityKind, entity: T): void {
    this.writes++;
    this.updateStmt.run(JSON.stringify(entity), kind, entity.id);
  }

  remove(kind: EntityKind, id: string): void {
    this.writes++;
    this.deleteStmt.run(kind, id);
  }

  /** Runs `fn` atomically: either all its writes are committed (and fsynced) or none. */
  transaction<R>(fn: () => R): R {
    return this.db.transaction(fn)();
  }
}
