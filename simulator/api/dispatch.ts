// Calls the API's own route handlers from inside the engine, without HTTP: `follow` resolves the
// hrefs it inlines through it, and the seeder (seeds/apply.ts) creates a lab with the very handlers
// a client's POSTs reach, so a seeded lab is the state the API would have made.
import { notFound } from "../http/faults";
import type { Answer, ApiRequest, RequestContext, Route } from "./context";

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
}

export class Dispatcher {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: split(route.path) }));
  }

  /** The route and path parameters for `method path` (path below the API root), if any. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = split(path);
    for (const c of this.compiled) {
      if (c.route.method !== method || c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = c.segments[i];
        if (seg.startsWith(":")) params[seg.slice(1)] = decodeURIComponent(parts[i]);
        else ok = seg === parts[i];
      }
      if (ok) return { route: c.route, params };
    }
    return undefined;
  }

  /** Runs `method path` as the API would (faults are thrown, as from a route); 404 when unrouted. */
  call(ctx: RequestContext, method: string, path: string, body?: string): Answer {
    const found = this.match(method, path);
    if (!found) throw notFound();
    const req: ApiRequest = { ctx, params: found.params, body, method };
    return found.route.handle(req);
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}
