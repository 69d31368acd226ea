// TIFF LZW (codes of 9 to 12 bits, most significant bit first, "early change"), replacing
// utif2's decoder: on a damaged stream (a code past the next table entry) utif2's table walk
// loops forever (found by the fuzzer). Here every table entry knows its length, so emitting a
// string is bounded; an impossible code is an error; output stops at the end of `tgt`.

const CLEAR = 256;
const EOI = 257;

/** Decode `len` bytes at `off` of `data` into `tgt` from `toff` (utif2's _decompress signature). */
export function decodeTiffLzw(data: Uint8Array, off: number, len: number, tgt: Uint8Array, toff: number): void {
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  const first = new Uint8Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    length[i] = 1;
    first[i] = i;
  }
  const endBits = Math.min(data.length, off + len) * 8;
  const tEnd = tgt.length;
  let bit = off * 8;
  let width = 9;
  let next = 258;
  let prev = -1;
  let o = toff;
  const emit = (code: number) => {
    const L = length[code];
    let c = code;
    for (let i = o + L - 1; i >= o; i--) {
      if (i < tEnd) tgt[i] = suffix[c];
      c = prefix[c];
    }
    o += L;
  };
  const add = (last: number) => {
    if (next >= 4096) return; // table full: the encoder should have cleared it; keep decoding
    prefix[next] = prev;
    suffix[next] = last;
    length[next] = length[prev] + 1;
    first[next] = first[prev];
    next++;
    if (next + 1 === 1 << width && width < 12) width++;
  };
  while (o < tEnd && bit + width <= endBits) {
    const s = bit >>> 3;
    const window = (data[s] << 16) | ((data[s + 1] ?? 0) << 8) | (data[s + 2] ?? 0);
    const code = (window >>> (24 - (bit & 7) - width)) & ((1 << width) - 1);
    bit += width;
    if (code === EOI) return;
    if (code === CLEAR) {
      width = 9;
      next = 258;
      prev = -1;
      continue;
    }
    if (prev < 0) {
      if (code > 255) throw new Error(`invalid LZW code ${code} after a clear code`);
      emit(code);
      prev = code;
      continue;
    }
    if (code < next) {
      emit(code);
      add(first[code]);
    } else if (code === next) {
      add(first[prev]); // the KwKwK case: the entry being made is the code read
      emit(code);
    } else {
      throw new Error(`invalid LZW code ${code} (the next table entry is ${next})`);
    }
    prev = code;
  }
}
