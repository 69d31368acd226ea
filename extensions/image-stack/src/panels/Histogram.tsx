import React, { useEffect, useRef } from 'react';

/**
 * The data's own histogram (log counts) with the chosen range shaded: what the user needs to
 * pick a threshold on 0–255 data instead of OHIF's fixed −1000…1000 HU scale.
 */
export default function Histogram({ histogram, lower, upper, maxValue }: { histogram: Float64Array; lower: number; upper: number; maxValue: number }) {
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
  return <canvas ref={ref} width={256} height={60} className="w-full" data-cy="imagestack-histogram" aria-label="Histogram of voxel values" />;
}
