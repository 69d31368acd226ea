import { createSliceDecoder, setJpegWasmSource, type DecodeSource, type PlannedSlice, type StackPlan } from '@imagestack/core';
import { jpegWasmUrl } from '../workers/spawn';

// The preview decodes on this (main) thread: JPEGs need libjpeg-turbo's WebAssembly here too
// (compiled asynchronously on first use, as the main thread requires).
setJpegWasmSource(() => fetch(jpegWasmUrl()));

/** One decoded slice for the page: full size, uncropped, as 8-bit grey for display. */
export interface PreviewSlice {
  name: string;
  width: number;
  height: number;
  /** Display grey (16-bit data scaled min..max into 0..255). */
  grey: Uint8Array;
  /** Pixels with R, G, B not all equal (a colour overlay), out of width × height. */
  colouredPixels: number;
}

/**
 * Decodes one planned slice on this thread, uncropped and at full resolution, with the same
 * decode step the workers run (real-valued slices need the plan's rescale). Only the first and last slices are decoded before loading.
 */
export async function decodePreviewSlice(plan: StackPlan, slice: PlannedSlice): Promise<PreviewSlice> {
  const { width, height, bitDepth } = plan;
  const r = await createSliceDecoder().decode({
    index: 0,
    file: slice.file,
    source: slice.source as DecodeSource,
    page: slice.page,
    width,
    height,
    bitDepth,
    crop: { x: 0, y: 0, width, height },
    downsample: 1,
    // real-valued slices are shown through the value window chosen at the stack check
    ...(plan.values ? { values: plan.values, rescale: plan.rescale } : {}),
  });
  let grey: Uint8Array;
  if (r.voxels instanceof Uint8Array) grey = r.voxels;
  else {
    let lo = 65535;
    let hi = 0;
    for (const v of r.voxels) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = hi > lo ? 255 / (hi - lo) : 0;
    grey = new Uint8Array(r.voxels.length);
    for (let i = 0; i < grey.length; i++) grey[i] = Math.round((r.voxels[i] - lo) * scale);
  }
  return { name: slice.name, width, height, grey, colouredPixels: r.colouredPixels };
}

/** Paints a preview slice into a canvas at its own pixel size. */
export function paintSlice(canvas: HTMLCanvasElement, s: PreviewSlice): void {
  canvas.width = s.width;
  canvas.height = s.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(s.width, s.height);
  const d = img.data;
  for (let i = 0, j = 0; i < s.grey.length; i++, j += 4) {
    const g = s.grey[i];
    d[j] = g;
    d[j + 1] = g;
    d[j + 2] = g;
    d[j + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
