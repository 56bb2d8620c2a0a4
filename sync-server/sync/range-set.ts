// Deleted clock ranges per Yjs client, kept merged and sorted, to tell a new deletion from a re-sent one.

export class RangeSet {
  readonly #byClient = new Map<number, Array<[start: number, end: number]>>();

  add(client: number, clock: number, length: number): void {
    const ranges = this.#byClient.get(client) ?? [];
    ranges.push([clock, clock + length]);
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    this.#byClient.set(client, merged);
  }

  covers(client: number, clock: number, length: number): boolean {
    const ranges = this.#byClient.get(client);
    if (!ranges) return false;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, end] = ranges[mid]!;
      if (clock < start) hi = mid - 1;
      else if (clock >= end) lo = mid + 1;
      else return clock + length <= end;
    }
    return false;
  }
}
