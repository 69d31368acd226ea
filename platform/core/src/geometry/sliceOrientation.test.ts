import { captureEdgeLetters, ORIENTATION_PRESETS, patientDirectionLetters, sliceEdgeLetters, sliceNormal } from './orientation';
import { orientSlice } from './orientSlice';
import { indexToPatient, indexToPatientAffine, pixelSpacingTag } from './positions';
import {
  describeSliceOrientation,
  isIdentityOrientation,
  mirrorsCapture,
  orientedSize,
  orientPixel,
  orientRect,
  parseSliceFlip,
  parseSliceRotation,
  SLICE_FLIPS,
  SLICE_ROTATIONS,
  sliceOrientationMatrix,
  unorientPixel,
  type SliceOrientation,
} from './sliceOrientation';
import { deriveStackGeometry } from './stackGeometry';
import type { CropRect, DownsampleFactor, Orientation6, Point3, StackGeometry } from './types';

const ALL: SliceOrientation[] = SLICE_FLIPS.flatMap(flip => SLICE_ROTATIONS.map(rotate => ({ flip, rotate })));

// The 8 distinct ways to lay a rectangle down (the dihedral group of the square), by what
// happens to a 3 × 2 slice [a b c / d e f].
const EXPECTED_3x2: Record<string, number[]> = {
  'none 0': [1, 2, 3, 4, 5, 6],
  'none 90': [4, 1, 5, 2, 6, 3], // 2 × 3: [d a / e b / f c]
  'none 180': [6, 5, 4, 3, 2, 1],
  'none 270': [3, 6, 2, 5, 1, 4],
  'rows 0': [4, 5, 6, 1, 2, 3],
  'rows 90': [1, 4, 2, 5, 3, 6], // the transpose
  'columns 0': [3, 2, 1, 6, 5, 4],
  'columns 90': [6, 3, 5, 2, 4, 1], // the anti-transpose
};

describe('orientSlice: every flip/rotate combination', () => {
  const src = Uint8Array.of(1, 2, 3, 4, 5, 6);

  test('the 16 spellings make exactly the 8 distinct orientations', () => {
    const distinct = new Set(ALL.map(o => sliceOrientationMatrix(o).join(',')));
    expect(distinct.size).toBe(8);
    // flip both = rotate 180; flip rows = flip columns + rotate 180
    expect(sliceOrientationMatrix({ flip: 'both' })).toEqual(sliceOrientationMatrix({ rotate: 180 }));
    expect(sliceOrientationMatrix({ flip: 'rows' })).toEqual(sliceOrientationMatrix({ flip: 'columns', rotate: 180 }));
    expect(isIdentityOrientation({ flip: 'both', rotate: 180 })).toBe(true);
  });

  test.each(Object.entries(EXPECTED_3x2))('%s', (key, expected) => {
    const [flip, rotate] = key.split(' ');
    const o = { flip, rotate: Number(rotate) } as SliceOrientation;
    expect([...orientSlice(src, 3, 2, o)]).toEqual(expected);
    expect(orientedSize(3, 2, o)).toEqual(Number(rotate) % 180 ? [2, 3] : [3, 2]);
  });

  test.each(ALL.map(o => [`${o.flip} ${o.rotate}`, o] as const))('%s: orientPixel says where each pixel went, unorientPixel undoes it', (_, o) => {
    const w = 5;
    const h = 3;
    const s = Uint16Array.from({ length: w * h }, (_, i) => i);
    const out = orientSlice(s, w, h, o);
    const [w2] = orientedSize(w, h, o);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const [a, b] = orientPixel(o, w, h, [i, j]);
        expect(out[b * w2 + a]).toBe(j * w + i);
        expect(unorientPixel(o, w, h, [a, b])).toEqual([i, j]);
      }
    }
  });

  test('writes into a given destination and refuses one that overlaps the source', () => {
    const dst = new Uint8Array(6);
    expect(orientSlice(src, 3, 2, { rotate: 90 }, dst)).toBe(dst);
    expect(() => orientSlice(src, 3, 2, { rotate: 90 }, src)).toThrow(/overlap/);
  });

  test('orientRect: the same pixels, on the oriented slice', () => {
    // 5 × 3 slice, rectangle of columns 1–3, rows 0–1; turned 90° the slice is 3 × 5.
    expect(orientRect({ rotate: 90 }, 5, 3, { x: 1, y: 0, width: 3, height: 2 })).toEqual({ x: 1, y: 1, width: 2, height: 3 });
    expect(orientRect({ flip: 'columns' }, 5, 3, { x: 1, y: 0, width: 3, height: 2 })).toEqual({ x: 1, y: 0, width: 3, height: 2 });
    expect(orientRect({ flip: 'rows' }, 5, 3, { x: 0, y: 0, width: 2, height: 1 })).toEqual({ x: 0, y: 2, width: 2, height: 1 });
  });
});

describe('mirroring', () => {
  test.each(ALL.map(o => [`${o.flip} ${o.rotate}`, o] as const))('%s', (_, o) => {
    const single = o.flip === 'rows' || o.flip === 'columns';
    expect(mirrorsCapture(o)).toBe(single);
    const sentence = describeSliceOrientation(o);
    if (single) expect(sentence).toMatch(/MIRRORS the patient/);
    else expect(sentence).not.toMatch(/mirrors/i);
  });

  test('sentences say what happens', () => {
    expect(describeSliceOrientation({})).toBe('The slices are used as captured.');
    expect(describeSliceOrientation({ rotate: 90 })).toBe('The slices are turned 90° clockwise: a rotation, the patient is not mirrored.');
    expect(describeSliceOrientation({ flip: 'rows' })).toMatch(/^The slices are flipped upside down: this MIRRORS .* rotate 180° instead\.$/);
  });
});

describe('parsing', () => {
  test('flip and rotate values', () => {
    expect(parseSliceFlip('rows')).toBe('rows');
    expect(parseSliceFlip(' Columns ')).toBe('columns');
    expect(parseSliceFlip('both')).toBe('both');
    expect(parseSliceRotation('270')).toBe(270);
  });
  test.each(['', 'row', 'horizontal', 'none'])('refuses flip %p', t => expect(() => parseSliceFlip(t)).toThrow(/flip must be rows \(upside down\), columns/));
  test.each(['0', '45', '-90', '360', '90.0', 'ninety'])('refuses rotate %p', t => expect(() => parseSliceRotation(t)).toThrow(/rotate must be 90, 180 or 270/));
});

// Non-square pixels and a non-zero origin, as every geometry test here must use.
const user = (orientation: Orientation6): StackGeometry => ({
  pixelSpacingXMm: 0.5,
  pixelSpacingYMm: 0.8,
  sliceSpacingMm: 1.25,
  originMm: [-10, 20, 30],
  orientation,
});

function det3(m: Float64Array): number {
  const [a, b, c, , d, e, f, , g, h, i] = m;
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

describe('deriveStackGeometry with a flip/rotation places every voxel where its pixel is shown', () => {
  // Original slices 7 × 5; every assembled voxel is traced back to its block of original pixels
  // by running the pixel path (crop → downsample → orient) on pixel indices, and compared with
  // where the user's geometry puts that block on the oriented, uncropped slice.
  const W = 7;
  const H = 5;
  const cases: [string, CropRect | undefined, DownsampleFactor][] = [
    ['whole slice', undefined, 1],
    ['cropped', { x: 1, y: 2, width: 5, height: 3 }, 1],
    ['cropped, downsampled by 2 (odd sizes drop a column and a row)', { x: 1, y: 0, width: 5, height: 5 }, 2],
  ];
  const presets = Object.entries(ORIENTATION_PRESETS) as [string, Orientation6][];
  const custom: Orientation6 = [Math.SQRT1_2, Math.SQRT1_2, 0, 0, 0, -1];

  for (const [name, orientation] of [...presets, ['custom oblique', custom] as [string, Orientation6]]) {
    for (const [label, crop, f] of cases) {
      test.each(ALL.map(o => [`${o.flip} ${o.rotate}`, o] as const))(`${name}, ${label}: %s`, (_, o) => {
        const ug = user([...orientation] as Orientation6);
        const g = deriveStackGeometry(ug, { crop, downsample: f, orient: o, width: W, height: H });
        // The cosines are the user's; spacing swaps for a quarter turn (PixelSpacing = y\x of the oriented slice).
        expect(g.orientation).toEqual(ug.orientation);
        const quarter = o.rotate === 90 || o.rotate === 270;
        expect([g.pixelSpacingXMm, g.pixelSpacingYMm]).toEqual(quarter ? [0.8 * f, 0.5 * f] : [0.5 * f, 0.8 * f]);
        expect(pixelSpacingTag(g)).toEqual(quarter ? [0.5 * f, 0.8 * f] : [0.8 * f, 0.5 * f]);
        // Right-handed: the voxel-index → patient map keeps handedness, and slices run along row × column.
        expect(det3(indexToPatientAffine(g))).toBeGreaterThan(0);

        // The pixel path on indices: crop, downsample (keep each block's top-left), orient.
        const c = crop ?? { x: 0, y: 0, width: W, height: H };
        const dw = Math.floor(c.width / f);
        const dh = Math.floor(c.height / f);
        const blocks = Uint16Array.from({ length: dw * dh }, (_, k) => (c.y + f * Math.floor(k / dw)) * W + c.x + f * (k % dw));
        const assembled = orientSlice(blocks, dw, dh, o);
        const [aw, ah] = orientedSize(dw, dh, o);
        // Where each original pixel is on the whole oriented slice, from the pixels themselves.
        const fullIndex = orientSlice(Uint16Array.from({ length: W * H }, (_, k) => k), W, H, o);
        const [fw] = orientedSize(W, H, o);
        const shownAt = new Map<number, [number, number]>();
        fullIndex.forEach((orig, k) => shownAt.set(orig, [k % fw, Math.floor(k / fw)]));

        const r = ug.orientation.slice(0, 3);
        const col = ug.orientation.slice(3);
        const n = sliceNormal(ug.orientation);
        const sx = quarter ? 0.8 : 0.5;
        const sy = quarter ? 0.5 : 0.8;
        for (const k of [0, 3]) {
          for (let b = 0; b < ah; b++) {
            for (let a = 0; a < aw; a++) {
              const topLeft = assembled[b * aw + a];
              // The block's centre on the oriented slice: the mean of its first and last pixel's places.
              const p0 = shownAt.get(topLeft)!;
              const p1 = shownAt.get(topLeft + (f - 1) * W + (f - 1))!;
              const p = (p0[0] + p1[0]) / 2;
              const q = (p0[1] + p1[1]) / 2;
              const expected = [0, 1, 2].map(i => ug.originMm[i] + p * sx * r[i] + q * sy * col[i] + k * 1.25 * n[i]) as Point3;
              const actual = indexToPatient(g, [a, b, k]);
              for (let i = 0; i < 3; i++) expect(actual[i]).toBeCloseTo(expected[i], 9);
            }
          }
        }
      });
    }
  }

  test('without a flip/rotation it is the plain crop + downsample geometry (same numbers)', () => {
    const ug = user([...ORIENTATION_PRESETS.axial]);
    const t = { crop: { x: 2, y: 1, width: 4, height: 4 }, downsample: 2 as const };
    expect(deriveStackGeometry(ug, { ...t, orient: { flip: 'both', rotate: 180 }, width: W, height: H })).toEqual(deriveStackGeometry(ug, t));
  });

  test('axial, rotate 180: the face at the bottom of the capture is anterior', () => {
    // Original pixel (3, 4) (bottom row, middle) is shown at the top: more anterior (−y) than the original top row.
    const g = deriveStackGeometry(user([...ORIENTATION_PRESETS.axial]), { orient: { rotate: 180 }, width: W, height: H });
    const [a, b] = orientPixel({ rotate: 180 }, W, H, [3, 4]);
    expect([a, b]).toEqual([3, 0]);
    expect(indexToPatient(g, [a, b, 0])[1]).toBeLessThan(indexToPatient(g, [3, 4, 0])[1]);
  });

  test('an orientation without the slice size is a programming error', () => {
    expect(() => deriveStackGeometry(user([...ORIENTATION_PRESETS.axial]), { orient: { rotate: 90 } })).toThrow(/width and height/);
  });
});

describe('patient-direction letters', () => {
  test('of directions', () => {
    expect(patientDirectionLetters([1, 0, 0])).toBe('L');
    expect(patientDirectionLetters([-1, 0, 0])).toBe('R');
    expect(patientDirectionLetters([0, -1, 0])).toBe('A');
    expect(patientDirectionLetters([0, 1, 0])).toBe('P');
    expect(patientDirectionLetters([0, 0, 1])).toBe('H');
    expect(patientDirectionLetters([0, 0, -1])).toBe('F');
    expect(patientDirectionLetters([0.8, -0.6, 0])).toBe('LA');
    expect(patientDirectionLetters([0.1, 0.3, -0.95])).toBe('FPL');
    expect(patientDirectionLetters([1e-6, 1, 0])).toBe('P');
  });

  test.each([
    ['axial', { top: 'A', bottom: 'P', left: 'R', right: 'L' }],
    ['coronal', { top: 'H', bottom: 'F', left: 'R', right: 'L' }],
    ['sagittal', { top: 'H', bottom: 'F', left: 'A', right: 'P' }],
  ] as const)('at the edges of a %s slice, as the viewer labels it', (preset, letters) => {
    expect(sliceEdgeLetters([...ORIENTATION_PRESETS[preset]])).toEqual(letters);
    expect(captureEdgeLetters([...ORIENTATION_PRESETS[preset]], {})).toEqual(letters);
  });

  test('at the edges of the capture before it is turned: what its burned-in letters should say', () => {
    const axial = [...ORIENTATION_PRESETS.axial] as Orientation6;
    // Face at the bottom of the capture: rotate 180 puts A at the capture's bottom edge, and keeps R/L mirrored correctly.
    expect(captureEdgeLetters(axial, { rotate: 180 })).toEqual({ top: 'P', bottom: 'A', left: 'L', right: 'R' });
    // flip rows: A at the bottom too, but R stays on the left: a mirror image.
    expect(captureEdgeLetters(axial, { flip: 'rows' })).toEqual({ top: 'P', bottom: 'A', left: 'R', right: 'L' });
    // rotate 90 clockwise: the capture's top edge ends up on the right (L), its right edge at the bottom (P).
    expect(captureEdgeLetters(axial, { rotate: 90 })).toEqual({ top: 'L', bottom: 'R', left: 'A', right: 'P' });
    const sag = [...ORIENTATION_PRESETS.sagittal] as Orientation6;
    expect(captureEdgeLetters(sag, { flip: 'columns' })).toEqual({ top: 'H', bottom: 'F', left: 'P', right: 'A' });
  });
});
