/** Counts open channels on one SSH connection; never more than `max` at once (sshd's MaxSessions). */
export class ChannelLimit {
  private open = 0;
  private highest = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly max: number) {}

  get inUse(): number {
    return this.open;
  }

  /** most channels open at once so far */
  get peak(): number {
    return this.highest;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<void> {
    if (this.open < this.max) {
      this.open++;
      this.highest = Math.max(this.highest, this.open);
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** takes a slot now if fewer than `below` are open (and nobody waits); false otherwise */
  tryAcquire(below = this.max): boolean {
    if (this.waiters.length > 0 || this.open >= Math.min(below, this.max)) return false;
    this.open++;
    this.highest = Math.max(this.highest, this.open);
    return true;
  }

  /** hands the slot straight to the next waiter, if any */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.open = Math.max(0, this.open - 1);
  }
}
