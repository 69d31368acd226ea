/**
 * A 64-bit fingerprint of pixel data, as 16 hex digits: two 32-bit multiply-xor lanes that
 * both take every pair of words (two multiplications per 8 bytes). Used to find duplicate
 * slices: equal pixels give equal hashes; different pixels collide with odds near 2^-64
 * (screen captures and scans are not adversarial).
 */
export function hashPixels(data: Uint8Array | Uint16Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const n = bytes.length;
  const pairs = n >>> 3;
  let h1 = 0x811c9dc5 ^ n;
  let h2 = 0x9e3779b9 ^ Math.imul(n, 0x85ebca6b);
  if (bytes.byteOffset % 4 === 0) {
    const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, pairs * 2);
    for (let i = 0; i < pairs * 2; i += 2) {
      const a = u32[i];
      const b = u32[i + 1];
      h1 = (Math.imul(((h1 << 5) | (h1 >>> 27)) ^ a, 0x01000193) + b) | 0;
      h2 = (Math.imul(((h2 << 7) | (h2 >>> 25)) ^ b, 0x5bd1e995) + a) | 0;
    }
  } else {
    for (let i = 0; i < pairs; i++) {
      const o = i * 8;
      const a = (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
      const b = (bytes[o + 4] | (bytes[o + 5] << 8) | (bytes[o + 6] << 16) | (bytes[o + 7] << 24)) >>> 0;
      h1 = (Math.imul(((h1 << 5) | (h1 >>> 27)) ^ a, 0x01000193) + b) | 0;
      h2 = (Math.imul(((h2 << 7) | (h2 >>> 25)) ^ b, 0x5bd1e995) + a) | 0;
    }
  }
  for (let i = pairs * 8; i < n; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i], 0x5bd1e995);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b) ^ h2;
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35) ^ h1;
  h1 = Math.imul(h1 ^ (h1 >>> 15), 0x27d4eb2d);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
