import { ORIENTATION_PRESETS } from '../geometry/orientation';
import { meshSidecar } from './sidecar';

const base = {
  files: ['airway.stl'],
  inputs: ['scans/'],
  geometry: { pixelSpacingXMm: 0.5, pixelSpacingYMm: 0.8, sliceSpacingMm: 1.25, originMm: [-10, 20, 30] as [number, number, number], orientation: [...ORIENTATION_PRESETS.axial] as [number, number, number, number, number, number] },
  dims: [10, 8, 5] as [number, number, number],
  operations: [],
  stats: {} as never,
  created: '2026-12-01T00:00:00.000Z',
};

test('records the calibration (method, lines, uncertainty), the orientation (mirroring said in words) and the gaps', () => {
  const s = meshSidecar({
    ...base,
    calibration: { method: 'ticks', lines: [{ x0: 40.3, y0: 170.6, x1: 444.5, y1: 170.6, lengthMm: 50 }], uncertaintyPct: 0.26, ticks: 6, residualPx: 0.2 },
    orientation: { flip: 'rows' },
    gaps: { policy: 'fill', missing: 1, filled: ['IMG (4).bmp (interpolated)'] },
  });
  expect(s.calibration).toEqual({ method: 'ticks', lines: [{ x0: 40.3, y0: 170.6, x1: 444.5, y1: 170.6, lengthMm: 50 }], uncertaintyPct: 0.26, ticks: 6, residualPx: 0.2 });
  expect(s.orientation).toMatchObject({ flip: 'rows', rotate: 0, mirrorsCapture: true, description: expect.stringMatching(/MIRRORS the patient/) });
  expect(s.gaps).toEqual({ policy: 'fill', missing: 1, filled: ['IMG (4).bmp (interpolated)'] });
  expect(JSON.parse(JSON.stringify(s)).orientation.rotate).toBe(0);
});

test('leaves them out when not given', () => {
  const s = meshSidecar(base);
  expect('calibration' in s || 'orientation' in s || 'gaps' in s).toBe(false);
  expect(meshSidecar({ ...base, orientation: { rotate: 90 } }).orientation).toMatchObject({ flip: 'none', rotate: 90, mirrorsCapture: false });
});
