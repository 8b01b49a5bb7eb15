/**
 * The engine's one queue: events ordered by (time, sequence), so events at the same instant run in
 * the order they were scheduled. A binary heap; the clock is the time of the event last popped.
 */
export interface Scheduled<E> {
  readonly atMs: number;
  readonly seq: number;
  readonly event: E;
}

/**
 * The heap keeps times, sequence numbers and events in parallel arrays rather than an object per entry:
 * a run pushes about a million events, and the entries were most of what the queue allocated.
 */
export class EventQueue<E> {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private events: (E | undefined)[] = [];
  private length = 0;
  private nextSeq = 0;
  /** The time of the event `take` returned last. */
  lastAtMs = 0;

  get size(): number {
    return this.length;
  }

  push(atMs: number, event: E): void {
    if (this.length === this.times.length) this.grow();
    const seq = this.nextSeq++;
    const times = this.times;
    const seqs = this.seqs;
    const events = this.events;
    let i = this.length;
    this.length += 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (!(atMs < pt || (atMs === pt && seq < (seqs[parent] as number)))) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      events[i] = events[parent];
      i = parent;
    }
    times[i] = atMs;
    seqs[i] = seq;
    events[i] = event;
  }

  peekTime(): number | null {
    return this.length === 0 ? null : (this.times[0] as number);
  }

  pop(): Scheduled<E> | undefined {
    if (this.length === 0) return undefined;
    const atMs = this.times[0] as number;
    const seq = this.seqs[0] as number;
    const event = this.take() as E;
    return { atMs, seq, event };
  }

  /** The next event, its time in `lastAtMs`; undefined when the queue is empty. */
  take(): E | undefined {
    const n = this.length;
    if (n === 0) return undefined;
    const times = this.times;
    const seqs = this.seqs;
    const events = this.events;
    const top = events[0];
    this.lastAtMs = times[0] as number;
    const last = n - 1;
    this.length = last;
    const lt = times[last] as number;
    const ls = seqs[last] as number;
    const le = events[last];
    events[last] = undefined;
    if (last === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      let child = left;
      if (right < last) {
        const rt = times[right] as number;
        const ft = times[left] as number;
        if (rt < ft || (rt === ft && (seqs[right] as number) < (seqs[left] as number))) child = right;
      }
      const ct = times[child] as number;
      if (!(ct < lt || (ct === lt && (seqs[child] as number) < ls))) break;
      times[i] = ct;
      seqs[i] = seqs[child] as number;
      events[i] = events[child];
      i = child;
    }
    times[i] = lt;
    seqs[i] = ls;
    events[i] = le;
    return top;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}
