import { packedSliceBytes, packSlice, unpackSlice } from './bitMask';

test('packs the voxels inside an inclusive range and unpacks them back, with a partial last byte', () => {
  const labels = Uint8Array.from([0, 1, 2, 1, 0, 0, 1, 1, 1, 3, 1]); // 11 voxels: 2 bytes
  const out = new Uint8Array(1 + packedSliceBytes(labels.length)).fill(0xff);
  const n = packSlice(labels, 1, 1, out, 1);
  expect(n).toBe(6);
  expect(out[0]).toBe(0xff); // nothing written before the offset
  const back = unpackSlice(out, 1, new Uint8Array(labels.length));
  expect(Array.from(back)).toEqual([0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1]);
  // bits past the slice's end are 0, so a merged range counts exactly
  expect(out[2] >> 3).toBe(0);
  expect(packSlice(labels, 1, 255, out, 1)).toBe(8);
});

test('an empty slice packs to zero bytes set', () => {
  const out = new Uint8Array(packedSliceBytes(16));
  expect(packSlice(new Uint8Array(16), 1, 1, out, 0)).toBe(0);
  expect(Array.from(out)).toEqual([0, 0]);
});
