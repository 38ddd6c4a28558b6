/**
 * A counting semaphore: at most `size` holders at once; the others wait in line, first come first
 * served. The PDF engine uses it to bound concurrent renders (each render holds one browser page,
 * and a page of a large report costs hundreds of megabytes).
 */
export class Slots {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`a pool needs at least one slot, not ${size}`);
    this.free = size;
  }

  /** Holders right now. */
  get busy(): number {
    return this.size - this.free;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Hands the slot straight to the next in line, so a newcomer cannot overtake those waiting. */
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free += 1;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}
