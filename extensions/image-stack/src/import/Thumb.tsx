import React, { useEffect, useMemo, useRef } from 'react';
import { paintSlice, releaseCanvas, shrinkSlice, type PreviewSlice } from './previewSlice';

const THUMB_WIDTH_PX = 150;
const THUMB_HEIGHT_PX = 120;

/** A small picture of a decoded slice, with its file name. */
export default function Thumb({ slice, label, cy }: { slice: PreviewSlice; label: string; cy: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  // painted at the size it is shown (in device pixels), not the slice's
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const small = useMemo(() => shrinkSlice(slice, THUMB_WIDTH_PX * dpr, THUMB_HEIGHT_PX * dpr), [slice, dpr]);
  useEffect(() => {
    const c = ref.current;
    if (c) paintSlice(c, small);
    return () => releaseCanvas(c);
  }, [small]);
  const scale = Math.min(THUMB_WIDTH_PX / slice.width, THUMB_HEIGHT_PX / slice.height);
  return (
    <figure className="flex flex-col items-center gap-1" data-cy={cy} data-name={slice.name}>
      <canvas ref={ref} style={{ width: Math.round(slice.width * scale), height: Math.round(slice.height * scale) }} />
      <figcaption className="text-muted-foreground truncate text-xs" style={{ maxWidth: 160 }} title={slice.name}>
        {label}: {slice.name}
      </figcaption>
    </figure>
  );
}
