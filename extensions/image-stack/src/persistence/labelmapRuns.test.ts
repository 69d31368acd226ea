import { countRuns, decodeSliceRuns, encodeSliceRuns } from './labelmapRuns';

describe('labelmap run lengths', () => {
  it('an all-zero slice is null and decodes back to zeros', () => {
    expect(encodeSliceRuns(new Uint8Array(1000))).toBeNull();
    const out = new Uint8Array(5).fill(7);
    decodeSliceRuns(null, out);
    expect([...out]).toEqual([0, 0, 0, 0, 0]);
  });

  it('round-trips mixed labels, runs longer than one varint byte, and a run at the very end', () => {
    const n = 512 * 512;
    const labels = new Uint8Array(n);
    labels.fill(1, 100, 100 + 300); // 300: a two-byte length
    labels.fill(3, 70_000, 70_000 + 20_000); // three bytes
    labels[n - 1] = 255;
    for (let i = 1000; i < 1010; i += 2) labels[i] = 2; // runs of one
    const runs = encodeSliceRuns(labels)!;
    expect(runs.length).toBeLessThan(100);
    const back = new Uint8Array(n).fill(9);
    decodeSliceRuns(runs, back);
    expect(back).toEqual(labels);
    expect(countRuns(runs, 1)).toBe(300);
    expect(countRuns(runs, 2)).toBe(5);
    expect(countRuns(runs, 3)).toBe(20_000);
    expect(countRuns(runs, 255)).toBe(1);
    expect(countRuns(runs, 0)).toBe(n - 300 - 5 - 20_000 - 1);
  });

  it('the worst case (alternating voxels) still round-trips', () => {
    const labels = Uint8Array.from({ length: 10_001 }, (_, i) => i % 2);
    const back = new Uint8Array(labels.length);
    decodeSliceRuns(encodeSliceRuns(labels), back);
    expect(back).toEqual(labels);
  });

  it('refuses runs for a slice of another size', () => {
    const runs = encodeSliceRuns(Uint8Array.from([0, 1, 1, 0]))!;
    expect(() => decodeSliceRuns(runs, new Uint8Array(5))).toThrow(/4 voxels for a slice of 5/);
    expect(() => decodeSliceRuns(runs, new Uint8Array(3))).toThrow(/for a slice of 3/);
    expect(() => decodeSliceRuns(runs.subarray(0, runs.length - 1), new Uint8Array(4))).toThrow(/truncated/);
  });
});
