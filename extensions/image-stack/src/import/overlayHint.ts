import type { CropRect } from '@imagestack/core';
import type { OverlayFinding } from './importSession';

/** Overlay pixels of the finding's mask (capture pixels, width × height) inside `crop`. */
export function overlayPixelsIn(finding: Pick<OverlayFinding, 'mask' | 'width' | 'height'>, crop: CropRect): number {
  const x0 = Math.max(0, crop.x);
  const y0 = Math.max(0, crop.y);
  const x1 = Math.min(finding.width, crop.x + crop.width);
  const y1 = Math.min(finding.height, crop.y + crop.height);
  let n = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * finding.width;
    for (let x = x0; x < x1; x++) n += finding.mask[row + x];
  }
  return n;
}

/**
 * What the stack check tells the user about burned-in chrome (text, rulers, coloured
 * annotations) once the overlay check has run: crop it away while the crop still holds it
 * (it would be thresholded with the anatomy and end up in the model), or that it is outside the
 * crop now. Nothing when none was found.
 */
export function overlayHint(finding: OverlayFinding | undefined, crop: CropRect): { text: string; cropped: boolean } | null {
  if (!finding || finding.fraction <= 0) return null;
  const inside = overlayPixelsIn(finding, crop);
  if (!inside) return { text: 'The burned-in overlays are outside the crop: they stay out of the volume.', cropped: true };
  const share = `${((inside / (crop.width * crop.height)) * 100).toFixed(1)} % of the cropped slice`;
  return {
    cropped: false,
    text: finding.crop
      ? `Crop the burned-in overlays away (${share}): inside the volume they are thresholded with the anatomy and end up in the 3D model. "Use this crop" leaves them out, or drag a rectangle on the preview.`
      : `Crop the burned-in overlays away (${share}): inside the volume they are thresholded with the anatomy and end up in the 3D model. No rectangle free of them was found: drag one around the anatomy on the preview (Crop tool).`,
  };
}
