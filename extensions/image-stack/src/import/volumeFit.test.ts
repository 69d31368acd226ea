import { memoryBudget, volumeFit, type VolumeLimits } from './volumeFit';

const MiB = 2 ** 20;
const limits = (max3DTextureSize: number | undefined, budgetMiB: number): VolumeLimits => ({ max3DTextureSize, budgetBytes: budgetMiB * MiB, budgetSource: 'test' });
const whole = (width: number, height: number) => ({ x: 0, y: 0, width, height });

describe('volumeFit', () => {
  it('the seed\'s captures cropped to 1500 × 1000 × 330 fit a 2048 texture and a 2 GiB budget', () => {
    const fit = volumeFit({ crop: { x: 210, y: 40, width: 1500, height: 1000 }, downsample: 1, slices: 330, bitDepth: 8 }, limits(2048, 2048));
    expect(fit.problems).toEqual([]);
    expect(fit.bytes).toBe(1500 * 1000 * 330);
    expect(fit.downsample).toBeUndefined();
    expect(fit.crop).toBeUndefined();
  });

  it('too wide for the GPU: says so with the numbers and offers downsample 2 or a centred crop that fits', () => {
    const fit = volumeFit({ crop: whole(4000, 1000), downsample: 1, slices: 100, bitDepth: 8 }, limits(2048, 4096));
    expect(fit.problems.map(p => p.kind)).toEqual(['texture']);
    expect(fit.problems[0].text).toMatch(/4000 × 1000 × 100 voxels: 4000 columns over this GPU's largest 3D texture \(2048 per side\)/);
    expect(fit.downsample).toEqual({ factor: 2, columns: 2000, rows: 500, bytes: 2000 * 500 * 100 });
    expect(fit.crop).toBeDefined();
    expect(fit.crop!.width).toBeLessThanOrEqual(2048);
    expect(fit.crop!.height).toBe(1000);
    expect(fit.crop!.x).toBe(Math.floor((4000 - fit.crop!.width) / 2));
    // at downsample 2, a crop of up to 2 × 2048 + 1 pixels still makes 2048 columns
    const at2 = volumeFit({ crop: whole(4097, 10), downsample: 2, slices: 3, bitDepth: 8 }, limits(2048, 4096));
    expect(at2.problems).toEqual([]);
    expect(volumeFit({ crop: whole(4098, 10), downsample: 2, slices: 3, bitDepth: 8 }, limits(2048, 4096)).problems).toHaveLength(1);
  });

  it('rotated slices swap columns and rows, the limit applies to each', () => {
    const fit = volumeFit({ crop: whole(100, 3000), downsample: 1, orient: { rotate: 90 }, slices: 10, bitDepth: 8 }, limits(2048, 4096));
    expect(fit.columns).toBe(3000);
    expect(fit.problems[0].text).toMatch(/3000 columns/);
  });

  it('over the memory budget: estimated MiB against the budget, the first downsample that fits, a crop that fits', () => {
    // 1920 × 1080 × 1000 16-bit: 3955 MiB against 1024
    const fit = volumeFit({ crop: whole(1920, 1080), downsample: 1, slices: 1000, bitDepth: 16 }, limits(2048, 1024));
    expect(fit.problems.map(p => p.kind)).toEqual(['memory']);
    expect(fit.problems[0].text).toMatch(/16-bit volume needs about 3955 MiB, over this tab's budget of 1024 MiB \(test\)/);
    expect(fit.downsample?.factor).toBe(2);
    expect(fit.downsample!.bytes).toBeLessThanOrEqual(1024 * MiB);
    const c = fit.crop!;
    expect(c.width * c.height * 1000 * 2).toBeLessThanOrEqual(1024 * MiB);
    // the largest one, within a few percent: same proportions
    expect(c.width * c.height * 1000 * 2).toBeGreaterThan(0.95 * 1024 * MiB);
    expect(Math.abs(c.width / c.height - 1920 / 1080)).toBeLessThan(0.01);
    // downsample 2 is not enough here, 4 is
    expect(volumeFit({ crop: whole(1920, 1080), downsample: 1, slices: 1000, bitDepth: 16 }, limits(2048, 300)).downsample?.factor).toBe(4);
    // already at 4: only a crop
    const at4 = volumeFit({ crop: whole(1920, 1080), downsample: 4, slices: 1000, bitDepth: 16 }, limits(2048, 100));
    expect(at4.downsample).toBeUndefined();
    expect(at4.crop).toBeDefined();
  });

  it('more slices than the texture limit: neither crop nor downsample is offered', () => {
    const fit = volumeFit({ crop: whole(100, 100), downsample: 1, slices: 3000, bitDepth: 8 }, limits(2048, 4096));
    expect(fit.tooManySlices).toBe(true);
    expect(fit.problems[0].text).toMatch(/3000 slices over/);
    expect(fit.downsample).toBeUndefined();
    expect(fit.crop).toBeUndefined();
  });

  it('an unknown texture limit is not checked; the memory budget still is', () => {
    expect(volumeFit({ crop: whole(9000, 10), downsample: 1, slices: 3, bitDepth: 8 }, limits(undefined, 1)).problems).toEqual([]);
    expect(volumeFit({ crop: whole(9000, 1000), downsample: 1, slices: 300, bitDepth: 8 }, limits(undefined, 1)).problems.map(p => p.kind)).toEqual(['memory']);
  });
});

describe('memoryBudget', () => {
  it('is a quarter of the memory the browser reports (4 GiB assumed when it does not), never above core\'s largest volume', () => {
    expect(memoryBudget(8).budgetBytes).toBe(2 * 2 ** 30);
    expect(memoryBudget(8).budgetSource).toMatch(/8 GiB/);
    expect(memoryBudget(undefined).budgetBytes).toBe(2 ** 30);
    expect(memoryBudget(undefined).budgetSource).toMatch(/does not say/);
    expect(memoryBudget(64).budgetBytes).toBe(2 ** 32 - 1);
  });
});
