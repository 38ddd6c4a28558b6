/**
 * The demo's two years as one ordered list of dated steps (evidence collections, certifications,
 * audits and their follow-up), so everything runs in the order it would have happened, with the
 * clock on each step's day. A step may schedule later steps; steps after today are dropped,
 * because they have not happened yet.
 */
export class Timeline {
  readonly #steps: { day: string; run: () => Promise<void> }[] = [];

  constructor(readonly today: string) {}

  /** Runs `run` on `day`, after the steps already on that day. */
  at(day: string, run: () => Promise<void>): void {
    if (day > this.today) return;
    let lo = 0;
    let hi = this.#steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#steps[mid]!.day <= day) lo = mid + 1;
      else hi = mid;
    }
    this.#steps.splice(lo, 0, { day, run });
  }

  get size(): number {
    return this.#steps.length;
  }

  /** Runs every step in order; `before` sets the clock for the step's day. */
  async run(before: (day: string) => void): Promise<void> {
    for (let step = this.#steps.shift(); step; step = this.#steps.shift()) {
      before(step.day);
      try {
        await step.run();
      } catch (err) {
        // Say which day of the programme failed; the error keeps its fields.
        if (err instanceof Error) err.message = `demo step on ${step.day}: ${err.message}`;
        throw err;
      }
    }
  }
}
