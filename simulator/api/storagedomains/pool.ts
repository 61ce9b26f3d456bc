// The storage-domain rules of RemoveStoragePool (without force), in the engine's order: one domain
// at most (the master), and that one in maintenance.
import type { EngineContext } from "../../context";
import { fail } from "../common/messages";
import { domainsOf, type StorageDomain } from "./model";

export function validateRemoveStorage(engine: EngineContext, dcId: string): void {
  const attached = domainsOf(engine.store.list<StorageDomain>("storage_domain"), dcId);
  if (attached.length > 1) {
    throw fail("remove", "Data Center", "ERROR_CANNOT_REMOVE_STORAGE_POOL_WITH_NONMASTER_DOMAINS");
  }
  if (attached.some((s) => s.status !== "maintenance")) {
    throw fail("remove", "Data Center", "ERROR_CANNOT_REMOVE_POOL_WITH_ACTIVE_DOMAINS");
  }
}
