/**
 * Unpack 1/2/4-bit samples (rows padded to whole bytes, most significant bits first) to one
 * byte each. `scale` maps the raw value to 0..255 by bit replication (grey); without it the raw
 * values are kept (palette indices).
 */
export function unpackBits(packed: Uint8Array, width: number, height: number, bits: number, scale: boolean): Uint8Array {
  const out = new Uint8Array(width * height);
  const stride = Math.ceil((width * bits) / 8);
  const mask = (1 << bits) - 1;
  const mul = scale ? 255 / mask : 1;
  const perByte = 8 / bits;
  for (let y = 0; y < height; y++) {
    const s0 = y * stride;
    const d0 = y * width;
    for (let x = 0; x < width; x++) {
      const byte = packed[s0 + ((x / perByte) | 0)];
      out[d0 + x] = ((byte >>> (8 - bits - (x % perByte) * bits)) & mask) * mul;
    }
  }
  return out;
}

/** Expand palette indices to grey (when every used entry is grey) or RGB. `palette` rows are [r, g, b(, a)]. */
export function expandPalette(indices: Uint8Array, palette: ArrayLike<ArrayLike<number>>): { channels: 1 | 3; data: Uint8Array } {
  const n = indices.length;
  const lut = new Uint8Array(256 * 3);
  let grey = true;
  for (let i = 0; i < palette.length && i < 256; i++) {
    const e = palette[i];
    lut[i * 3] = e[0];
    lut[i * 3 + 1] = e[1];
    lut[i * 3 + 2] = e[2];
    if (e[0] !== e[1] || e[1] !== e[2]) grey = false;
  }
  if (grey) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = lut[indices[i] * 3];
    return { channels: 1, data: out };
  }
  const out = new Uint8Array(n * 3);
  for (let i = 0, d = 0; i < n; i++, d += 3) {
    const p = indices[i] * 3;
    out[d] = lut[p];
    out[d + 1] = lut[p + 1];
    out[d + 2] = lut[p + 2];
  }
  return { channels: 3, data: out };
}
