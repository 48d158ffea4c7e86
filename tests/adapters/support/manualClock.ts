/** A clock that moves only when a test moves it. */
export class ManualClock {
  constructor(private current: number = Date.UTC(2025, 0, 15, 8, 0, 0)) {}

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
