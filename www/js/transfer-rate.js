/**
 * Transfer speed over a sliding window of recent progress samples, so the
 * shown speed and time left follow the current rate instead of the average
 * since the start.
 *
 * Samples from the first second are left out. A browser reports bytes as
 * sent once the operating system buffered them, and on a fast link it fills
 * those buffers (several MiB) at once, which would make the early speed
 * look many times faster than the transfer really is.
 */
export class TransferRate {
  #windowMs;
  #warmupMs;
  #startedAt = Number.NaN;
  #samples = [];

  constructor({ windowMs = 5000, warmupMs = 1000 } = {}) {
    this.#windowMs = windowMs;
    this.#warmupMs = warmupMs;
  }

  /** Records that `loaded` bytes were done at `now` (milliseconds, `performance.now()` clock). */
  add(loaded, now = performance.now()) {
    if (Number.isNaN(this.#startedAt)) {
      this.#startedAt = now;
    }
    if (now - this.#startedAt < this.#warmupMs) {
      return;
    }
    this.#samples.push({ loaded, now });
    while (this.#samples.length > 2 && now - this.#samples[0].now > this.#windowMs) {
      this.#samples.shift();
    }
  }

  /** Returns bytes per second over the window, or `NaN` until two samples are 500 ms apart. */
  bytesPerSecond() {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || last.now - first.now < 500) {
      return Number.NaN;
    }
    return ((last.loaded - first.loaded) * 1000) / (last.now - first.now);
  }
}
