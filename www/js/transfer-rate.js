/**
 * Transfer speed over a sliding window of recent progress samples, so the
 * shown speed and time left follow the current rate instead of the average
 * since the start.
 */
export class TransferRate {
  #windowMs;
  #samples = [];

  constructor(windowMs = 4000) {
    this.#windowMs = windowMs;
  }

  /** Records that `loaded` bytes were done at `now` (milliseconds, `performance.now()` clock). */
  add(loaded, now = performance.now()) {
    this.#samples.push({ loaded, now });
    while (this.#samples.length > 2 && now - this.#samples[0].now > this.#windowMs) {
      this.#samples.shift();
    }
  }

  /** Returns bytes per second over the window, or `NaN` before two samples are 100 ms apart. */
  bytesPerSecond() {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || last.now - first.now < 100) {
      return Number.NaN;
    }
    return ((last.loaded - first.loaded) * 1000) / (last.now - first.now);
  }

  reset() {
    this.#samples = [];
  }
}
