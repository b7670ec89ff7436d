// The engine's own latency per step: from the ARI event that completes a step (StasisStart, PlaybackFinished)
// to the next ARI command the engine sends for that call. Asterisk's time is not in it; ours is.
export class StepLatency {
  private readonly buf: Float64Array;
  private n = 0;

  constructor(capacity = 200_000) {
    this.buf = new Float64Array(capacity);
  }

  record(ms: number) {
    this.buf[this.n++ % this.buf.length] = ms;
  }

  reset() {
    this.n = 0;
  }

  /** The samples kept (the most recent `capacity`), in ms. */
  samples(): number[] {
    return Array.from(this.buf.subarray(0, Math.min(this.n, this.buf.length)));
  }
}
