/**
 * The engine's one queue: events ordered by (time, sequence), so events at the same instant run in
 * the order they were scheduled. A binary heap; the clock is the time of the event last popped.
 */
export interface Scheduled<E> {
  readonly atMs: number;
  readonly seq: number;
  readonly event: E;
}

export class EventQueue<E> {
  private readonly heap: Scheduled<E>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(atMs: number, event: E): void {
    const item: Scheduled<E> = { atMs, seq: this.nextSeq++, event };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled<E>;
      if (!before(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  peekTime(): number | null {
    return this.heap[0]?.atMs ?? null;
  }

  pop(): Scheduled<E> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Scheduled<E>, heap[left] as Scheduled<E>)) child = right;
      const c = heap[child] as Scheduled<E>;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before<E>(a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
