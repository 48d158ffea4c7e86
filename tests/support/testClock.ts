/** Real time by default; a test can jump it forward to cross timeouts without waiting. */
export class TestClock {
  private offsetMs = 0;

  readonly now = (): number => Date.now() + this.offsetMs;

  advanceSeconds(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}
