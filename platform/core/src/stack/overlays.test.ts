import { seededRandom } from '../geometry/testing/syntheticRuler';
import { detectOverlays, overlaySampleIndices } from './overlays';

// A generated capture stack, 160 × 120: anatomy (an ellipse whose texture changes from slice to
// slice) on a black margin, with what a viewer burns in: patient text in two top corners, a
// ruler (saturated line + ticks) along the bottom edge, a 1-px grey frame, and a saturated
// reference line that moves from slice to slice above the anatomy.
const W = 160;
const H = 120;
const ANATOMY = { x0: 40, y0: 35, x1: 120, y1: 90 }; // bounding box of the ellipse

function stack(count: number, seed = 1): Uint8Array[] {
  const rand = seededRandom(seed);
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const s = new Uint8Array(W * H);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const r = ((x - 80) / 40) ** 2 + ((y - 62.5) / 27.5) ** 2;
        if (r <= 1) s[y * W + x] = 60 + Math.floor(rand() * 120);
      }
    // text: 3 × 5 glyph blocks, value 220
    for (const [tx, ty] of [[5, 5], [9, 5], [13, 5], [130, 5], [134, 5], [138, 5], [142, 5]])
      for (let j = 0; j < 5; j++) for (let i = 0; i < 3; i++) if ((i + j) % 2 === 0) s[(ty + j) * W + tx + i] = 220;
    // ruler: saturated line at row 110 from x 30 to 130, ticks every 20 px upwards
    for (let x = 30; x <= 130; x++) s[110 * W + x] = 255;
    for (let x = 30; x <= 130; x += 20) for (let y = 104; y < 110; y++) s[y * W + x] = 255;
    // frame
    for (let x = 0; x < W; x++) s[x] = s[(H - 1) * W + x] = 128;
    for (let y = 0; y < H; y++) s[y * W] = s[y * W + W - 1] = 128;
    // a reference line that moves: rows 18..25, saturated, 60 px long
    const ry = 18 + k;
    for (let x = 50; x < 110; x++) s[ry * W + x] = 255;
    out.push(s);
  }
  return out;
}

test('finds text, ruler, frame and a moving saturated line; keeps the anatomy out of the mask', () => {
  const slices = stack(8);
  const d = detectOverlays(slices, W, H);
  const at = (x: number, y: number) => d.mask[y * W + x];
  expect(at(5, 5)).toBe(1); // text
  expect(at(140, 7)).toBe(1);
  expect(at(80, 110)).toBe(1); // ruler line
  expect(at(50, 105)).toBe(1); // a tick
  expect(at(0, 60)).toBe(1); // frame
  expect(at(70, 21)).toBe(1); // the moving line on one of the slices
  // no anatomy pixel is called an overlay
  for (let y = ANATOMY.y0; y <= ANATOMY.y1; y++)
    for (let x = ANATOMY.x0; x <= ANATOMY.x1; x++) {
      const r = ((x - 80) / 40) ** 2 + ((y - 62.5) / 27.5) ** 2;
      if (r <= 0.95) expect(at(x, y)).toBe(0);
    }
  expect(d.staticPixels).toBeGreaterThan(0);
  expect(d.linePixels).toBeGreaterThan(0);
  expect(d.fraction).toBeGreaterThan(0.03);
  expect(d.fraction).toBeLessThan(0.2);
  expect(d.boxes.length).toBeGreaterThanOrEqual(3);
});

test('proposes a crop that holds the whole anatomy and no overlay', () => {
  const d = detectOverlays(stack(8), W, H);
  const c = d.crop!;
  expect(c).not.toBeNull();
  expect(c.x).toBeLessThanOrEqual(ANATOMY.x0);
  expect(c.y).toBeLessThanOrEqual(ANATOMY.y0);
  expect(c.x + c.width - 1).toBeGreaterThanOrEqual(ANATOMY.x1);
  expect(c.y + c.height - 1).toBeGreaterThanOrEqual(ANATOMY.y1);
  for (let y = c.y; y < c.y + c.height; y++) for (let x = c.x; x < c.x + c.width; x++) expect(d.mask[y * W + x]).toBe(0);
  // tight: at most 2 px of margin around the anatomy
  expect(c.width).toBeLessThanOrEqual(ANATOMY.x1 - ANATOMY.x0 + 1 + 4);
});

test('a clean stack has no overlays and no crop', () => {
  const clean = stack(6).map(s => {
    const c = new Uint8Array(W * H);
    for (let i = 0; i < c.length; i++) {
      const x = i % W;
      const y = Math.floor(i / W);
      const r = ((x - 80) / 40) ** 2 + ((y - 62.5) / 27.5) ** 2;
      if (r <= 1) c[i] = s[i];
    }
    return c;
  });
  const d = detectOverlays(clean, W, H, { saturatedLevel: 256 });
  expect(d.overlayPixels).toBe(0);
  expect(d.crop).toBeNull();
});

test('sample indices spread over the stack, first and last included', () => {
  expect(overlaySampleIndices(100, 5)).toEqual([0, 25, 50, 74, 99]);
  expect(overlaySampleIndices(3)).toEqual([0, 1, 2]);
});
