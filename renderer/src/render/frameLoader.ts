/**
 * On-demand frame fetching for viewers scrubbing through frames that live in the compute process.
 *
 * "Latest wins": at most one request is in flight; while it runs, further requests only replace
 * the wanted index, and when it finishes the loader fetches whatever is wanted *then* (frames
 * skipped over while scrubbing are never fetched). A stale result is cached but not shown.
 * A small LRU cache makes going back and forth free. Pure TypeScript, no Vue, so it is unit tested.
 */

export type GetFrame = (index: number) => Promise<Float32Array>;

export interface FrameLoaderEvents {
  /** The frame to display (always the most recently requested one). */
  frame(index: number, data: Float32Array): void;
  /** Loading state changes (true while the wanted frame is not yet available). */
  loading?(loading: boolean): void;
  error?(index: number, error: unknown): void;
}

export class FrameLoader {
  private readonly cache = new Map<number, Float32Array>();
  private wanted: number | null = null;
  private inFlight = false;
  private disposed = false;

  constructor(
    private getFrame: GetFrame,
    private readonly events: FrameLoaderEvents,
    private readonly cacheSize = 16,
  ) {}

  /**
   * Swaps the fetch function without dropping the cache (same dataset, new closure — e.g. an
   * inline arrow re-created by a parent render). Use a new FrameLoader for a new dataset.
   */
  setGetFrame(getFrame: GetFrame): void {
    this.getFrame = getFrame;
  }

  /** Asks for a frame; the `frame` event fires when it (or a later request) is available. */
  request(index: number): void {
    if (this.disposed) return;
    this.wanted = index;
    const hit = this.cache.get(index);
    if (hit) {
      this.touch(index, hit);
      if (!this.inFlight) this.events.loading?.(false);
      this.events.frame(index, hit);
      return;
    }
    if (!this.inFlight) void this.pump();
  }

  /** Cached frames (most recently used last); for tests and prefetch decisions. */
  cachedIndices(): number[] {
    return [...this.cache.keys()];
  }

  dispose(): void {
    this.disposed = true;
    this.cache.clear();
  }

  private touch(index: number, data: Float32Array): void {
    this.cache.delete(index);
    this.cache.set(index, data);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }

  private async pump(): Promise<void> {
    this.inFlight = true;
    this.events.loading?.(true);
    try {
      while (!this.disposed && this.wanted !== null && !this.cache.has(this.wanted)) {
        const index = this.wanted;
        try {
          const data = await this.getFrame(index);
          if (this.disposed) return;
          this.touch(index, data);
          if (this.wanted === index) this.events.frame(index, data);
        } catch (err) {
          if (this.disposed) return;
          if (this.wanted === index) {
            this.events.error?.(index, err);
            break;
          }
        }
      }
      // A request for a cached frame during the fetch was already shown by request().
    } finally {
      this.inFlight = false;
      if (!this.disposed) this.events.loading?.(false);
    }
  }
}
