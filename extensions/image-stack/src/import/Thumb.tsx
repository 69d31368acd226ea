import React, { useEffect, useRef } from 'react';
import { paintSlice, type PreviewSlice } from './previewSlice';

/** A small picture of a decoded slice, with its file name. */
export default function Thumb({ slice, label, cy }: { slice: PreviewSlice; label: string; cy: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) paintSlice(ref.current, slice);
  }, [slice]);
  const scale = Math.min(150 / slice.width, 120 / slice.height);
  return (
    <figure className="flex flex-col items-center gap-1" data-cy={cy} data-name={slice.name}>
      <canvas ref={ref} style={{ width: Math.round(slice.width * scale), height: Math.round(slice.height * scale) }} />
      <figcaption className="text-muted-foreground truncate text-xs" style={{ maxWidth: 160 }} title={slice.name}>
        {label}: {slice.name}
      </figcaption>
    </figure>
  );
}
