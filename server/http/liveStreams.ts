import type { Response } from 'express';

/**
 * The open Server-Sent-Events streams of this process. Each ends by itself when its session is
 * over; on shutdown they are ended at once, so they never hold the server open (a browser's
 * EventSource reconnects to another process, resuming from `Last-Event-ID`).
 */
export class LiveStreams {
  private readonly open = new Set<Response>();
  private closing = false;

  get isClosing(): boolean {
    return this.closing;
  }

  add(res: Response): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
  }

  closeAll(): void {
    this.closing = true;
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
