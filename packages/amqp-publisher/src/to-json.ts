/**
 * JSON for log records that never throws, whatever an app puts in its meta: an Error becomes its name, message,
 * stack, cause and own fields (plain JSON.stringify gives `{}`); a reference cycle becomes "[Circular]"; a bigint
 * becomes its decimal string; Symbol keys are left out, as JSON.stringify does (winston keeps its internals there).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const CIRCULAR = "[Circular]";

/** A JSON-safe copy of `value`; undefined where JSON.stringify would leave the value out. */
export function toJsonValue(value: unknown): JsonValue | undefined {
  return convert(value, new Set());
}

/** JSON text of a record. */
export function stringifyRecord(record: object): string {
  try {
    return JSON.stringify(toJsonValue(record) ?? {});
  } catch (err) {
    // A getter or toJSON that throws, or nesting deep enough to overflow the stack: keep what says what happened.
    const message =
      (record as { message?: unknown; msg?: unknown }).message ?? (record as { msg?: unknown }).msg;
    return JSON.stringify({
      message: typeof message === "string" ? message : "[unserializable log record]",
      serializationError: err instanceof Error ? err.message : String(err),
    });
  }
}

function convert(value: unknown, ancestors: Set<object>): JsonValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (ancestors.has(obj)) return CIRCULAR;
  ancestors.add(obj);
  try {
    if (obj instanceof Error) return errorToJson(obj, ancestors);
    if (typeof (obj as { toJSON?: unknown }).toJSON === "function")
      return convert((obj as { toJSON: () => unknown }).toJSON(), ancestors);
    if (Array.isArray(obj)) return obj.map((x) => convert(x, ancestors) ?? null);
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(obj)) {
      const j = convert(v, ancestors);
      if (j !== undefined) setOwn(out, k, j);
    }
    return out;
  } finally {
    ancestors.delete(obj);
  }
}

function errorToJson(err: Error, ancestors: Set<object>): JsonValue {
  const out: { [key: string]: JsonValue } = { name: err.name, message: err.message };
  if (err.stack !== undefined) out.stack = err.stack;
  if (err.cause !== undefined) {
    const cause = convert(err.cause, ancestors);
    if (cause !== undefined) out.cause = cause;
  }
  // Own fields such as `code`, `errno`, `status`.
  for (const [k, v] of Object.entries(err)) {
    const j = convert(v, ancestors);
    if (j !== undefined) setOwn(out, k, j);
  }
  return out;
}

/** Assigns an own property, so that a key named `__proto__` stays a key rather than setting the prototype. */
function setOwn(o: { [key: string]: JsonValue }, k: string, v: JsonValue): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
