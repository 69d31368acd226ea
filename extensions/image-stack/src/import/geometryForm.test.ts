import { planStack, type StackFileInfo } from '@imagestack/core';
import { EMPTY_GEOMETRY_FORM, formatSizeMm, readGeometryForm } from './geometryForm';

function plan(opts: Parameters<typeof planStack>[1] = {}, slices = 40) {
  const infos: StackFileInfo[] = Array.from({ length: slices }, (_, k) => ({
    name: `IMG (${k + 1}).bmp`,
    source: null,
    size: 1,
    header: { format: 'bmp', width: 96, height: 120, channels: 3, bitDepth: 8, pages: 1, detail: 'BMP 24-bit' },
  }));
  return planStack(infos, opts);
}

describe('readGeometryForm', () => {
  it('has no default spacing: every empty spacing is unknown and named, in form order', () => {
    const p = plan();
    const s0 = readGeometryForm(EMPTY_GEOMETRY_FORM, p);
    expect(s0.missing).toBe('Enter the pixel spacing x (mm)');
    expect(s0.userGeometry).toBeUndefined();
    expect(s0.sizeMm).toEqual([null, null, null]);
    expect(formatSizeMm(s0.sizeMm)).toBe('unknown × unknown × unknown mm');
    const s1 = readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '0.9' }, p);
    expect(s1.missing).toBe('Enter the pixel spacing y (mm)');
    const s2 = readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '0.9', spacingY: '0.8' }, p);
    expect(s2.missing).toBe('Enter the slice spacing (mm)');
    expect(formatSizeMm(s2.sizeMm)).toBe('86.4 × 96.0 × unknown mm');
  });

  it('gives the user geometry (x, y not swapped) and the physical size when complete', () => {
    const s = readGeometryForm({ spacingX: '0.9', spacingY: '0.8', sliceSpacing: '1.3', origin: '-86, -95, -97', orientation: 'axial' }, plan());
    expect(s.missing).toBeUndefined();
    expect(s.userGeometry).toEqual({ pixelSpacingXMm: 0.9, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.3, originMm: [-86, -95, -97], orientation: [1, 0, 0, 0, 1, 0] });
    expect(s.sizeMm[0]).toBeCloseTo(86.4, 10);
    expect(s.sizeMm[1]).toBeCloseTo(96, 10);
    expect(s.sizeMm[2]).toBeCloseTo(52, 10);
  });

  it('derives the volume geometry through crop and downsample (origin moves, spacing × f)', () => {
    const p = plan({ crop: { x: 10, y: 20, width: 40, height: 60 }, downsample: 2 });
    const s = readGeometryForm({ spacingX: '0.5', spacingY: '0.25', sliceSpacing: '2', origin: '', orientation: 'axial' }, p);
    expect(s.stackGeometry!.pixelSpacingXMm).toBe(1);
    expect(s.stackGeometry!.pixelSpacingYMm).toBe(0.5);
    // crop: 10 · 0.5 = 5, 20 · 0.25 = 5; then half a block: 0.5 · 0.5 = 0.25, 0.5 · 0.25 = 0.125
    expect(s.stackGeometry!.originMm).toEqual([5.25, 5.125, 0]);
    // 20 × 30 voxels of 1 × 0.5 mm, 40 slices of 2 mm
    expect(s.sizeMm).toEqual([20, 15, 80]);
  });

  it('names a value that cannot be used instead of guessing', () => {
    const p = plan();
    expect(readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '0', spacingY: '1', sliceSpacing: '1' }, p).missing).toMatch(/pixel spacing x must be greater than 0 mm/);
    expect(readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: 'abc', spacingY: '1', sliceSpacing: '1' }, p).fieldErrors.spacingX).toMatch(/pixel spacing x/);
    expect(readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '1', spacingY: '1', sliceSpacing: '150' }, p).missing).toMatch(/over 100 mm/);
    const o = readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '1', spacingY: '1', sliceSpacing: '1', origin: '1, 2' }, p);
    expect(o.missing).toMatch(/origin needs 3/);
    expect(o.userGeometry).toBeUndefined();
  });

  it('uses the orientation presets', () => {
    const s = readGeometryForm({ spacingX: '1', spacingY: '1', sliceSpacing: '1', origin: '', orientation: 'sagittal' }, plan());
    expect(s.userGeometry!.orientation).toEqual([0, 1, 0, 0, 0, -1]);
  });

  it('asks for the slices before anything else', () => {
    expect(readGeometryForm({ ...EMPTY_GEOMETRY_FORM, spacingX: '1', spacingY: '1', sliceSpacing: '1' }, undefined).missing).toBe('Add the slices first');
  });
});
