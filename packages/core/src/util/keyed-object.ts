/**
 * An empty ordinary object for keys that differ from one object to the next (a schema's
 * field names, one set per dataset). A `{}` given such keys gets a hidden class of its
 * own for every new key, and V8's transition tree of `{}` grows by one per key across the
 * process (10k distinct schemas: 10k of them, and their garbage collection). This one is
 * in V8's dictionary mode from the start (Object.create(null)) and still has
 * Object.prototype; its keys keep their insertion order, so JSON.stringify writes the same
 * text.
 */
export function keyedObject<T>(): Record<string, T> {
  const o = Object.create(null) as Record<string, T>;
  Object.setPrototypeOf(o, Object.prototype);
  return o;
}
