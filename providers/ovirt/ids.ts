// Typed ids: a cluster id cannot be passed where a data center id is expected. The engine's ids
// are opaque strings (UUIDs in practice), so only emptiness is checked.

export type Brand<T, B extends string> = T & { readonly __brand: B };

export function brand<B extends string>(value: string, what: string): Brand<string, B> {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${what}: empty id`);
  return value as Brand<string, B>;
}
