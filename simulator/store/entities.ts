// A generic entity table: every API object is stored as (kind, id, json) in its API shape. Areas read
// and write their own kinds through this one class; multi-row changes go through `transaction`.
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
  | "event";

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

  get<T extends Entity>(kind: EntityKind, id: string): T | undefined {
    const row = this.getStmt.get(kind, id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  list<T extends Entity>(kind: EntityKind, where?: (e: T) => boolean): T[] {
    const rows = this.listStmt.all(kind) as Array<{ json: string }>;
    const all = rows.map((r) => JSON.parse(r.json) as T);
    return where ? all.filter(where) : all;
  }

  count(kind: EntityKind): number {
    return (this.countStmt.get(kind) as { n: number }).n;
  }

  insert<T extends Entity>(kind: EntityKind, entity: T): void {
    this.insertStmt.run(kind, entity.id, JSON.stringify(entity));
  }

  update<T extends Entity>(kind: EntityKind, entity: T): void {
    this.updateStmt.run(JSON.stringify(entity), kind, entity.id);
  }

  remove(kind: EntityKind, id: string): void {
    this.deleteStmt.run(kind, id);
  }

  /** Runs `fn` atomically: either all its writes are committed (and fsynced) or none. */
  transaction<R>(fn: () => R): R {
    return this.db.transaction(fn)();
  }
}
