/**
 * A 64-bit fingerprint of pixel data (two independent 32-bit multiply-xor lanes), as 16 hex
 * digits. Used to find duplicate slices: equal pixels give equal hashes; different pixels
 * collide with odds of about 2^-64.
 */
export function hashPixels(data: Uint8Array | Uint16Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const n = bytes.length;
  const words = n >>> 2;
  let h1 = 0x811c9dc5 ^ n;
  let h2 = 0x9e3779b9 ^ Math.imul(n, 0x85ebca6b);
  if (bytes.byteOffset % 4 === 0) {
    const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, words);
    for (let i = 0; i < words; i++) {
      const w = u32[i];
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul((h2 ^ w) + (h2 >>> 15), 0x5bd1e995);
    }
  } else {
    for (let i = 0; i < words; i++) {
      const o = i * 4;
      const w = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul((h2 ^ w) + (h2 >>> 15), 0x5bd1e995);
    }
  }
  for (let i = words * 4; i < n; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
    h2 = Math.imul((h2 ^ bytes[i]) + (h2 >>> 15), 0x5bd1e995);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
