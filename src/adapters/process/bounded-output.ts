/** Collects a stream's bytes up to a bound; the overflow is counted, not kept. */
export class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const room = this.maxBytes - this.kept;
    if (room >= chunk.length) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
      return;
    }
    if (room > 0) {
      this.chunks.push(chunk.subarray(0, room));
      this.kept += room;
    }
    this.dropped += chunk.length - Math.max(room, 0);
  }

  /** UTF-8 text; a character cut at the bound decodes as U+FFFD. Overflow ends in a marker line. */
  text(): string {
    const body = Buffer.concat(this.chunks, this.kept).toString('utf8');
    return this.dropped > 0 ? `${body}\n[truncated ${this.dropped} bytes]` : body;
  }
}
