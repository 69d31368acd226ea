/** Append-only typed arrays that double when full; `view()` trims to the used length. */
export class GrowableFloat32 {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1 << 12) {
    this.data = new Float32Array(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Float32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** An exact-size copy of the used part (the growth slack is released). */
  trimmed(): Float32Array {
    return this.data.slice(0, this.length);
  }
}

export class GrowableUint32 {
  data: Uint32Array;
  length = 0;
  constructor(capacity = 1 << 12) {
    this.data = new Uint32Array(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < this.length + extra) cap *= 2;
    const next = new Uint32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  trimmed(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}
