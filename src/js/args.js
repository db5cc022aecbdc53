// Reading option objects from callers. Every property read of a caller's
// value happens here, inside try/catch on the Rust side (`catch` imports),
// because a getter or a Proxy trap that throws would otherwise unwind through
// the wasm call and leave its Promise pending forever.

/** Nesting deeper than this is rejected; it also stops cyclic objects. */
const MAX_DEPTH = 64;

/**
 * Returns `value` as JSON text, reading own enumerable properties only, so
 * getters run once, here. `undefined` becomes `null`, as an absent value.
 * Returns `undefined` when `value` contains a function, symbol or BigInt, which
 * are not data. Throws when a getter or Proxy trap throws or when nesting is
 * too deep.
 */
export function plainJson(value) {
  try {
    return JSON.stringify(copy(value, 0));
  } catch (error) {
    if (error === NOT_PLAIN) {
      return undefined;
    }
    throw error;
  }
}

const NOT_PLAIN = Symbol('not plain data');

function copy(value, depth) {
  switch (typeof value) {
    case 'undefined':
      return null;
    case 'function':
    case 'symbol':
    case 'bigint':
      throw NOT_PLAIN;
    case 'string':
      return wellFormed(value);
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) {
    return null;
  }
  if (depth >= MAX_DEPTH) {
    throw new RangeError(`nested more than ${MAX_DEPTH} levels deep`);
  }
  if (Array.isArray(value)) {
    return Array.from(value, (item) => copy(item, depth + 1));
  }
  const result = {};
  for (const key of Object.keys(value)) {
    result[wellFormed(key)] = copy(value[key], depth + 1);
  }
  return result;
}

/**
 * Replaces each lone surrogate in `text` with U+FFFD, as TextEncoder does.
 * JSON.stringify would escape it, and serde_json rejects that escape.
 */
function wellFormed(text) {
  if (typeof text.toWellFormed === 'function') {
    return text.toWellFormed();
  }
  // Runtimes from before String.prototype.toWellFormed (ES2024).
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      result += text[i] + text[i + 1];
      i++;
    } else {
      result += unit >= 0xd800 && unit <= 0xdfff ? '\uFFFD' : text[i];
    }
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
