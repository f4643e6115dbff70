// Work still running after a platform got its answer (follow-ups, listeners): shutdown and tests
// wait for it to end.

export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => {
      this.running.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves when nothing tracked is running, or after `maxMs` at the latest. */
  async idle(maxMs = 10_000): Promise<void> {
    let late = false;
    const deadline = new Promise<void>((r) => setTimeout(r, maxMs).unref()).then(() => {
      late = true;
    });
    while (this.running.size > 0 && !late) await Promise.race([Promise.allSettled([...this.running]), deadline]);
  }
}
