/**
 * A module-level zod schema built on first use instead of when its module loads. Core's
 * plan and pod schemas are ~110 zod constructors: ~5 ms of every command's start, and only
 * reading a plan file or checking an engine target's options uses them. The value stands
 * for the schema in every way code uses one (its methods and fields, `instanceof`, being
 * nested in another schema): each access is forwarded to the schema, built by `build` on
 * the first. `build` must not depend on when it runs (no clock, no environment).
 */
export function lazySchema<T extends object>(build: () => T): T {
  let schema: T | undefined;
  const real = (): T => {
    schema ??= build();
    return schema;
  };
  // The target is only a placeholder: every trap answers from the schema. Reads use the
  // schema as receiver, so the methods zod binds on first read bind to the schema itself,
  // and its own calls do not come back through these traps.
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(real(), key, real()),
    set: (_, key, value) => Reflect.set(real(), key, value, real()),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      // The placeholder has no such property: a proxy may not call it non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
