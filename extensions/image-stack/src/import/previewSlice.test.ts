import { encode } from 'fast-png';
import { blobTargets, planStack, probeTargets } from '@imagestack/core';
import { decodePreviewSlice, shrinkSlice } from './previewSlice';

/** A File-like Blob with a name, as a picker gives. */
function namedBlob(name: string, bytes: Uint8Array) {
  const blob = new Blob([bytes]);
  return Object.assign(blob, { name }) as Blob & { name: string };
}

async function planOf(files: Array<Blob & { name: string }>) {
  return planStack(await probeTargets(blobTargets(files)), { crop: [1, 1, 2, 2], downsample: 2 });
}

describe('decodePreviewSlice', () => {
  it('shows 16-bit slices scaled min..max into 0..255, uncropped, whatever the volume crop', async () => {
    const data = Uint16Array.from([1000, 2000, 3000, 4000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    const png = encode({ width: 4, height: 4, data, channels: 1, depth: 16 });
    const plan = await planOf([namedBlob('a.png', png)]);
    expect(plan.bitDepth).toBe(16);
    const s = await decodePreviewSlice(plan, plan.slices[0]);
    expect([s.width, s.height]).toEqual([4, 4]);
    expect(Array.from(s.grey.subarray(0, 4))).toEqual([0, 85, 170, 255]);
    expect(s.colouredPixels).toBe(0);
  });

  it('keeps 8-bit grey as it is and counts coloured pixels', async () => {
    const rgb = new Uint8Array(4 * 4 * 3).fill(50);
    rgb.set([255, 0, 0], 0); // one red pixel
    const png = encode({ width: 4, height: 4, data: rgb, channels: 3, depth: 8 });
    const plan = await planOf([namedBlob('b.png', png)]);
    const s = await decodePreviewSlice(plan, plan.slices[0]);
    expect(s.grey.length).toBe(16);
    expect(s.grey[5]).toBe(50);
    expect(s.colouredPixels).toBe(1);
  });
});

describe('shrinkSlice', () => {
  const slice = (width: number, height: number, grey: number[]) => ({ name: 's.bmp', width, height, grey: Uint8Array.from(grey), colouredPixels: 0 });

  it('averages each output pixel over the source pixels it covers', () => {
    const s = shrinkSlice(slice(4, 2, [0, 10, 20, 30, 40, 50, 60, 70]), 2, 2);
    expect([s.width, s.height]).toEqual([2, 1]);
    expect(Array.from(s.grey)).toEqual([25, 45]);
    expect(s.name).toBe('s.bmp');
  });

  it('covers every source pixel once when the ratio is not whole', () => {
    const s = shrinkSlice(slice(3, 1, [30, 90, 150]), 2, 10);
    expect([s.width, s.height]).toEqual([2, 1]);
    expect(Array.from(s.grey)).toEqual([30, 120]);
  });

  it('keeps the aspect of a 1920 × 1080 capture at thumbnail size', () => {
    const s = shrinkSlice(slice(1920, 1080, new Array(1920 * 1080).fill(7)), 150, 120);
    expect([s.width, s.height]).toEqual([150, 84]);
    expect(s.grey.every(v => v === 7)).toBe(true);
  });

  it('never enlarges: a slice already small enough is given back as it is', () => {
    const small = slice(2, 2, [1, 2, 3, 4]);
    expect(shrinkSlice(small, 150, 120)).toBe(small);
  });
});
