import { hashPixels } from './hash';

test('equal pixels hash equal, whatever the view; any single change changes the hash', () => {
  const a = Uint8Array.from({ length: 1001 }, (_, i) => (i * 31) & 255);
  const copy = new Uint8Array(new ArrayBuffer(1004), 3, 1001); // unaligned view
  copy.set(a);
  expect(hashPixels(copy)).toBe(hashPixels(a));
  const seen = new Set([hashPixels(a)]);
  for (let i = 0; i < a.length; i++) {
    const b = a.slice();
    b[i] ^= 1 << (i % 8);
    seen.add(hashPixels(b));
  }
  expect(seen.size).toBe(a.length + 1);
  // Swapped words and shifted content are different slices too.
  const s = a.slice();
  [s[0], s[4]] = [s[4], s[0]];
  expect(hashPixels(s)).not.toBe(hashPixels(a));
  expect(hashPixels(new Uint8Array(8))).not.toBe(hashPixels(new Uint8Array(16)));
  expect(hashPixels(Uint16Array.from([1, 2, 3]))).toMatch(/^[0-9a-f]{16}$/);
});
