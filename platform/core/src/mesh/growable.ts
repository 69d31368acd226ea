// Append-only typed arrays for the marching cubes' vertices and triangles, whose final size is
// not known until the last slice. They live on a WebAssembly.Memory where one can be made: the
// engine reserves a memory's whole address range when it makes it, so growing it maps more
// pages in place and nothing is copied. Doubling into fresh arrays copied the used part at each
// step, touching every page about twice, and a fresh page costs more than its writes (1.5–2 µs
// a 4 KiB page on the 2-core VM, against 0.15 µs to fill one already mapped). Where no memory
// can be made (no WebAssembly, or the engine's address space for memories is used up), they
// double into fresh arrays.
import { newWasmMemory, WASM_PAGE_BYTES, type WasmMemory } from '../wasm/assemble';

/** wasm32's most pages (4 GiB). */
const MAX_PAGES = 65536;

type Elements = Float32Array | Uint32Array;

class Growable<T extends Elements> {
  data: T;
  length = 0;
  /** The memory `data` is all of, while it is on one (nothing after `length` written: zeros). */
  memory: WasmMemory | null;

  constructor(
    private readonly make: { new (length: number): T; new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T; BYTES_PER_ELEMENT: number },
    capacity: number,
  ) {
    this.memory = newWasmMemory(capacity * make.BYTES_PER_ELEMENT, MAX_PAGES);
    this.data = this.memory ? new make(this.memory.buffer as ArrayBuffer) : new make(capacity);
  }

  /** Room for `extra` more elements after `length` (data may be a new view afterwards). */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < need) cap *= 2;
    if (this.memory) {
      const pages = Math.ceil((cap * this.make.BYTES_PER_ELEMENT) / WASM_PAGE_BYTES);
      const have = this.memory.buffer.byteLength / WASM_PAGE_BYTES;
      try {
        this.memory.grow(Math.min(pages, MAX_PAGES) - have);
        this.data = new this.make(this.memory.buffer as ArrayBuffer);
        if (need <= this.data.length) return;
      } catch {
        // the engine refused the pages: copy into a plain array from here on
      }
      this.memory = null;
    }
    const next = new this.make(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** An exact-size copy of the used part (the growth slack is released). */
  trimmed(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export class GrowableFloat32 extends Growable<Float32Array> {
  constructor(capacity = 1 << 14) {
    super(Float32Array, capacity);
  }
}

export class GrowableUint32 extends Growable<Uint32Array> {
  constructor(capacity = 1 << 14) {
    super(Uint32Array, capacity);
  }
}
