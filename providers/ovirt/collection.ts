// The verbs every top-level API collection shares (list with search, find by name, get, add, update,
// remove), written once over a codec declaration. One module per API area builds on it.
import { decode, decodeCollection, encode, type Decoded, type ObjectType } from "./codec";
import type { Connection, Query } from "./connection";
import type { OperationContext } from "./context";
import { isFault, UnexpectedError } from "./errors";

export interface CollectionSpec<T extends ObjectType> {
  /** URL segment below the API root, e.g. "datacenters". */
  path: string;
  /** JSON key of the collection's items, e.g. "data_center". */
  singular: string;
  type: T;
  /** For messages, e.g. "data center". */
  label: string;
}

export interface ListOptions {
  /** Engine search expression, e.g. `name="x" and status=up`. */
  search?: string;
  max?: number;
  caseSensitive?: boolean;
  /** Extra query parameters (follow, all_content...). */
  query?: Query;
}

/** A value for a search expression, quoted so spaces and keywords cannot change its meaning. */
export function searchValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export class CollectionService<T extends ObjectType, Id extends string> {
  constructor(
    protected readonly conn: Connection,
    readonly spec: CollectionSpec<T>,
  ) {}

  protected entityPath(id: Id): string {
    return `/${this.spec.path}/${encodeURIComponent(id)}`;
  }

  protected decodeOne(data: unknown, what: string): Decoded<T> {
    if (typeof data !== "object" || data === null) {
      throw new UnexpectedError(
        `engine "${this.conn.engine}": ${what}: expected a ${this.spec.label} object in the answer`,
      );
    }
    return decode(this.spec.type, data, this.spec.singular);
  }

  async list(ctx: OperationContext, opts: ListOptions = {}): Promise<Decoded<T>[]> {
    return this.listAt(ctx, `/${this.spec.path}`, opts);
  }

  protected async listAt(ctx: OperationContext, path: string, opts: ListOptions): Promise<Decoded<T>[]> {
    const res = await this.conn.request(ctx, "GET", path, {
      query: {
        search: opts.search,
        max: opts.max,
        case_sensitive: opts.caseSensitive,
        ...opts.query,
      },
    });
    return decodeCollection(this.spec.type, this.spec.singular, res.data);
  }

  /**
   * The one object named exactly `name`, or undefined. Engine search is case-insensitive and treats
   * `*` as a wildcard, so the answer is filtered by exact name here.
   */
  async findByName(ctx: OperationContext, name: string): Promise<Decoded<T> | undefined> {
    const found = await this.list(ctx, { search: `name=${searchValue(name)}` });
    const exact = found.filter((o) => (o as { name?: string }).name === name);
    if (exact.length > 1) {
      throw new UnexpectedError(
        `engine "${this.conn.engine}": ${exact.length} ${this.spec.label}s are named "${name}"; expected at most one`,
      );
    }
    return exact[0];
  }

  async get(ctx: OperationContext, id: Id, query?: Query): Promise<Decoded<T>> {
    const res = await this.conn.request(ctx, "GET", this.entityPath(id), { query });
    return this.decodeOne(res.data, `GET ${this.entityPath(id)}`);
  }

  /** Like get, but a 404 (or an id the engine cannot parse) is `undefined`. */
  async tryGet(ctx: OperationContext, id: Id, query?: Query): Promise<Decoded<T> | undefined> {
    try {
      return await this.get(ctx, id, query);
    } catch (err) {
      if (isFault(err, "not_found")) return undefined;
      throw err;
    }
  }

  /**
   * What read's listing asks for beyond the plain objects (e.g. `follow` of the sub-collections a
   * read compares); also sent with the direct GET of an id the listing lacks. None by default.
   */
  protected readonly readQuery: Query | undefined = undefined;
  /**
   * Read's listing in pages of this many (`search=page N&max=…`, API-NOTES 2.4), for kinds whose
   * whole listing would be too large for one answer; undefined = one unpaged GET.
   */
  protected readonly readPageSize: number | undefined = undefined;

  /**
   * For read (refresh) only: the object from this run's listing of the whole collection (one GET
   * for every object of the kind, or one per page, shared while fresh, dropped on writes; see
   * Connection.snapshot). An id missing from the listing is asked for directly (`undefined` = gone).
   */
  async readCached(ctx: OperationContext, id: Id): Promise<Decoded<T> | undefined> {
    const items = await this.conn.snapshot(`/${this.spec.path}`, async () => {
      const all = await this.readListing(ctx);
      return new Map(all.map((o) => [String((o as { id?: unknown }).id), o]));
    });
    const hit = items.get(id);
    return hit ? (hit as Decoded<T>) : this.tryGet(ctx, id, this.readQuery);
  }

  private async readListing(ctx: OperationContext): Promise<Decoded<T>[]> {
    const size = this.readPageSize;
    if (size === undefined) return this.list(ctx, { query: this.readQuery });
    const out: Decoded<T>[] = [];
    const seen = new Set<string>();
    for (let page = 1; ; page++) {
      const got = await this.list(ctx, { search: `page ${page}`, max: size, query: this.readQuery });
      // An engine that ignored `page` would answer the first page again: stop at nothing new.
      const fresh = got.filter((o) => !seen.has(String((o as { id?: unknown }).id)));
      for (const o of fresh) seen.add(String((o as { id?: unknown }).id));
      out.push(...fresh);
      if (got.length < size || fresh.length === 0) return out;
    }
  }

  /** POST to the collection. Not retried after an ambiguous failure: the caller looks before resending. */
  async add(ctx: OperationContext, body: Decoded<T>, query?: Query): Promise<Decoded<T>> {
    const res = await this.conn.request(ctx, "POST", `/${this.spec.path}`, {
      body: encode(this.spec.type, body),
      query,
    });
    return this.decodeOne(res.data, `POST /${this.spec.path}`);
  }

  /** PUT of only the given fields. */
  async update(ctx: OperationContext, id: Id, body: Decoded<T>, query?: Query): Promise<Decoded<T>> {
    const res = await this.conn.request(ctx, "PUT", this.entityPath(id), {
      body: encode(this.spec.type, body),
      query,
    });
    return this.decodeOne(res.data, `PUT ${this.entityPath(id)}`);
  }

  /** DELETE; `true` if it was removed now, `false` if it was already gone (404). */
  async remove(ctx: OperationContext, id: Id, query?: Query): Promise<boolean> {
    try {
      await this.conn.request(ctx, "DELETE", this.entityPath(id), { query });
      return true;
    } catch (err) {
      if (isFault(err, "not_found")) return false;
      throw err;
    }
  }
}
