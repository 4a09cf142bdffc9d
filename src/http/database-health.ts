/**
 * Knows whether the database answers. A cheap ping runs every second; while it
 * fails, every request (but health and metrics) answers 503, and the process
 * recovers by itself when the database returns.
 */
export class DatabaseHealth {
  #up = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ping: () => Promise<boolean>,
    private readonly onChange: (up: boolean) => void = () => {},
  ) {}

  get up(): boolean {
    return this.#up;
  }

  async check(): Promise<boolean> {
    const up = await this.ping();
    if (up !== this.#up) {
      this.#up = up;
      this.onChange(up);
    }
    return up;
  }

  start(intervalMs = 1000): void {
    const tick = () => {
      void this.check().finally(() => {
        this.#timer = setTimeout(tick, intervalMs);
        this.#timer.unref();
      });
    };
    this.#timer = setTimeout(tick, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
