import { overlayHint, overlayPixelsIn } from './overlayHint';
import type { OverlayFinding } from './importSession';

// a 10 × 8 capture with a 3 × 2 label at the top right (x 7..9, y 0..1)
function finding(crop: OverlayFinding['crop'] = { x: 0, y: 2, width: 10, height: 6 }): OverlayFinding {
  const mask = new Uint8Array(80);
  for (let y = 0; y < 2; y++) for (let x = 7; x < 10; x++) mask[y * 10 + x] = 1;
  return { mask, width: 10, height: 8, fraction: 6 / 80, boxes: [{ x: 7, y: 0, width: 3, height: 2 }], crop, sampled: 4 };
}
const whole = { x: 0, y: 0, width: 10, height: 8 };

describe('overlayHint', () => {
  test('overlays inside the crop: says to crop them away, and why', () => {
    const h = overlayHint(finding(), whole)!;
    expect(h.cropped).toBe(false);
    expect(h.text).toMatch(/^Crop the burned-in overlays away \(7\.5 % of the cropped slice\): .*end up in the 3D model\. "Use this crop"/);
  });

  test('once the crop leaves them out, it says so instead', () => {
    expect(overlayPixelsIn(finding(), { x: 0, y: 2, width: 10, height: 6 })).toBe(0);
    expect(overlayPixelsIn(finding(), { x: 8, y: 1, width: 2, height: 7 })).toBe(2);
    expect(overlayHint(finding(), { x: 0, y: 0, width: 7, height: 8 })).toEqual({ cropped: true, text: expect.stringMatching(/outside the crop/) });
  });

  test('found but no free rectangle to propose: still says to crop, by hand', () => {
    expect(overlayHint(finding(null), whole)!.text).toMatch(/No rectangle free of them was found: drag one around the anatomy/);
  });

  test('nothing found, or not checked yet: no hint', () => {
    expect(overlayHint(undefined, whole)).toBeNull();
    expect(overlayHint({ ...finding(null), fraction: 0, mask: new Uint8Array(80) }, whole)).toBeNull();
  });
});
