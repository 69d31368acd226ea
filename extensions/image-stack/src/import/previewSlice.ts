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

/**
 * The slice area-averaged down to fit `maxWidth` × `maxHeight` pixels (aspect kept, never
 * enlarged): what a thumbnail shows, so that it needs a canvas of its own size rather than a
 * full-resolution one (a 1920 × 1080 capture's canvas is 8 MB of the renderer's shared memory).
 */
export function shrinkSlice<S extends { width: number; height: number; grey: Uint8Array }>(s: S, maxWidth: number, maxHeight: number): S {
  const scale = Math.min(1, maxWidth / s.width, maxHeight / s.height);
  const w = Math.max(1, Math.round(s.width * scale));
  const h = Math.max(1, Math.round(s.height * scale));
  if (w === s.width && h === s.height) return s;
  const grey = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * s.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * s.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * s.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * s.width) / w));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0, row = yy * s.width; xx < x1; xx++) sum += s.grey[row + xx];
      grey[y * w + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return { ...s, width: w, height: h, grey };
}

/**
 * Gives a canvas's pixels back at once (a zero-size backing store). Chromium keeps a detached
 * canvas's backing store until its garbage collector runs, and for the import page's
 * full-resolution canvases that was tens of MB held beside the volume after Load.
 */
export function releaseCanvas(canvas: HTMLCanvasElement | null): void {
  if (!canvas) return;
  canvas.width = 0;
  canvas.height = 0;
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
