import { packedSliceBytes, packSlice } from '../mesh/bitMask';

/**
 * Packs the voxels of segments lo..hi into a bit mask, slice by slice, without a volume-sized
 * copy (DESIGN.md: a labelmap already adds one volume-sized buffer). Returns the mask and its
 * voxel count.
 */
export function packSegments(slices: Uint8Array[], voxelsPerSlice: number, lo: number, hi: number): { packed: Uint8Array; voxels: number } {
  const stride = packedSliceBytes(voxelsPerSlice);
  const packed = new Uint8Array(stride * slices.length);
  let voxels = 0;
  for (let k = 0; k < slices.length; k++) voxels += packSlice(slices[k], lo, hi, packed, k * stride);
  return { packed, voxels };
}

/**
 * Makes segment `index` equal to a packed mask: set bits become the segment where the voxel is
 * background or already the segment; the segment's voxels outside the mask become background.
 * Other segments' voxels are never taken (a wall grown through a neighbouring segment stops at
 * it). Returns the segment's voxel count after and the slices that changed.
 */
export function writeSegment(slices: Uint8Array[], voxelsPerSlice: number, index: number, packed: Uint8Array): { voxels: number; modified: number[] } {
  const stride = packedSliceBytes(voxelsPerSlice);
  let voxels = 0;
  const modified: number[] = [];
  for (let k = 0; k < slices.length; k++) {
    const dst = slices[k];
    const base = k * stride;
    let changed = false;
    for (let i = 0; i < voxelsPerSlice; i++) {
      const inside = (packed[base + (i >> 3)] >> (i & 7)) & 1;
      const d = dst[i];
      if (inside) {
        if (d === 0) {
          dst[i] = index;
          changed = true;
          voxels++;
        } else if (d === index) voxels++;
      } else if (d === index) {
        dst[i] = 0;
        changed = true;
      }
    }
    if (changed) modified.push(k);
  }
  return { voxels, modified };
}
