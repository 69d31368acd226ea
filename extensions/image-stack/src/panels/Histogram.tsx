import React, { useEffect, useRef } from 'react';
import type { CaptureWindow } from '@imagestack/core';
import { boundText } from '../workflow/thresholdRange';

/**
 * The data's own histogram (log counts) with the chosen range shaded: what the user needs to
 * pick a threshold on 0–255 data instead of OHIF's fixed −1000…1000 HU scale. The bins are the
 * stored grey levels; with a capture window the axis reads in approximate HU.
 */
export default function Histogram({
  histogram,
  lower,
  upper,
  maxValue,
  captureWindow,
}: {
  histogram: Float64Array;
  /** The shaded inclusive range, in stored grey levels (lower > upper: none). */
  lower: number;
  upper: number;
  maxValue: number;
  captureWindow?: CaptureWindow;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const bins = w;
    const perBin = (maxValue + 1) / bins;
    const counts = new Float64Array(bins);
    for (let v = 0; v <= maxValue && v < histogram.length; v++) counts[Math.min(bins - 1, Math.floor(v / perBin))] += histogram[v];
    let top = 0;
    for (const c of counts) top = Math.max(top, Math.log1p(c));
    for (let x = 0; x < bins; x++) {
      const v = x * perBin;
      const inside = v + perBin > lower && v <= upper;
      ctx.fillStyle = inside ? '#5acce6' : '#3a4a6b';
      const barHeight = top ? (Math.log1p(counts[x]) / top) * (h - 2) : 0;
      ctx.fillRect(x, h - barHeight, 1, barHeight);
    }
  }, [histogram, lower, upper, maxValue]);
  const scale = { maxValue, captureWindow };
  const unit = captureWindow ? ' HU' : '';
  const mid = Math.round(maxValue / 2);
  return (
    <div className="flex flex-col">
      <canvas ref={ref} width={256} height={60} className="w-full" data-cy="imagestack-histogram" aria-label={`Histogram of voxel values${captureWindow ? ' (axis in approximate HU)' : ''}`} />
      <div data-cy="imagestack-histogram-axis" className="text-muted-foreground flex justify-between text-xs">
        <span>{boundText(scale, 0, 'lower') + unit}</span>
        <span>{boundText(scale, mid, 'lower') + unit}</span>
        <span>{boundText(scale, maxValue, 'upper') + unit}</span>
      </div>
    </div>
  );
}
