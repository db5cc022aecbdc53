// Reading option objects from callers. Every property read of a caller's
// value happens here, inside try/catch on the Rust side (`catch` imports),
// because a getter or a Proxy trap that throws would otherwise unwind through
// the wasm call and leave its Promise pending forever.

/** Nesting deeper than this is rejected; it also stops cyclic objects. */
const MAX_DEPTH = 64;

/**
 * Returns a copy of `value` made of plain objects, arrays and primitives:
 * own enumerable properties only, so getters run once, here. Functions,
 * symbols and BigInts are kept as they are for the caller to reject by type.
 */
export function plainCopy(value) {
  return copy(value, 0);
}

function copy(value, depth) {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (depth >= MAX_DEPTH) {
    throw new RangeError(`nested more than ${MAX_DEPTH} levels deep`);
  }
  if (Array.isArray(value)) {
    return Array.from(value, (item) => copy(item, depth + 1));
  }
  const result = {};
  for (const key of Object.keys(value)) {
    result[key] = copy(value[key], depth + 1);
  }
  return result;
}

/**
 * Splits the members named in `names` off an options object. Returns
 * `{ rest, members }`: `rest` is a plain copy without those members and
 * `members` their values in the order of `names`. `undefined` and `null`
 * give an empty `rest`. Any other value that is not a plain object is
 * returned as `rest` unchanged, so the caller rejects it by type.
 */
export function splitMembers(value, names) {
  if (value === undefined || value === null) {
    return { rest: {}, members: names.map(() => undefined) };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { rest: value, members: names.map(() => undefined) };
  }
  const members = names.map((name) => value[name]);
  const rest = {};
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) {
      rest[key] = value[key];
    }
  }
  return { rest, members };
}
