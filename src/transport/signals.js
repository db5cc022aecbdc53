// Abort and timer plumbing for the fetch transport. It is plain JavaScript
// because listeners, timers and promises that settle on either of two events
// are shorter and easier to get right here than through wasm-bindgen closures.
// Only globals that browsers, Node, Deno and workerd all share are used.

/**
 * Links a caller's optional AbortSignal and a timeout into one signal for a
 * single call. `reason()` returns which side fired so the caller can report a
 * timeout apart from a user abort; `dispose()` clears the timer and removes
 * the listener from the caller's signal.
 *
 * A manual link is used instead of `AbortSignal.any`/`AbortSignal.timeout`
 * because it records which source fired, works on runtimes without those
 * helpers, and lets the listener on a long-lived user signal be removed.
 */
export function linkSignals(userSignal, timeoutMs) {
  const controller = new AbortController();
  let reason = null;
  let timer = null;

  const onUserAbort = () => {
    if (reason === null) {
      reason = 'aborted';
      controller.abort();
    }
  };

  if (userSignal) {
    if (userSignal.aborted) {
      onUserAbort();
    } else {
      userSignal.addEventListener('abort', onUserAbort, { once: true });
    }
  }

  if (reason === null && timeoutMs !== undefined && timeoutMs !== null) {
    timer = setTimeout(() => {
      if (reason === null) {
        reason = 'timeout';
        controller.abort();
      }
    }, timeoutMs);
  }

  return {
    signal: controller.signal,
    reason: () => reason,
    dispose: () => {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      if (userSignal) {
        userSignal.removeEventListener('abort', onUserAbort);
      }
    },
  };
}

/**
 * Waits `ms` milliseconds unless `signal` aborts first. Resolves to `true`
 * when the full delay passed and to `false` when the signal aborted, so an
 * abort never becomes an unhandled rejection.
 */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal && signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      if (signal) {
        signal.removeEventListener('abort', onAbort);
      }
      resolve(true);
    }, ms);
    if (signal) {
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts, whichever
 * comes first. A custom fetch may ignore its signal and never settle, or
 * settle long after the abort; this keeps timeouts and aborts on time anyway.
 * The abandoned promise gets a no-op handler so its late rejection is not
 * reported as unhandled.
 */
export function raceAbort(promise, signal) {
  const settled = Promise.resolve(promise);
  if (!signal) {
    return settled;
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      settled.catch(() => {});
      reject(new Error('aborted'));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    settled.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Milliseconds from a monotonic clock, for durations in log lines. */
export function now() {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Tells whether `value` looks like an AbortSignal. The check is by shape
 * because signals from another realm or a polyfill fail `instanceof`.
 */
export function isAbortSignal(value) {
  try {
    return typeof value === 'object' && value !== null
      && typeof value.aborted === 'boolean'
      && typeof value.addEventListener === 'function'
      && typeof value.removeEventListener === 'function';
  } catch {
    // A getter or Proxy trap that throws: not a usable signal.
    return false;
  }
}
