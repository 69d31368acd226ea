import React, { useEffect, useRef, useState } from 'react';
import type { CropRect, PixelPoint } from '@imagestack/core';
import { cropFromPoints } from './cropFromPoints';
import { paintSlice, type PreviewSlice } from './previewSlice';

export type PreviewTool = 'crop' | 'ruler1' | 'ruler2';
export interface DrawnLine {
  from: PixelPoint;
  to: PixelPoint;
}

const LINE_COLOURS: Record<'ruler1' | 'ruler2', string> = { ruler1: '#f5c542', ruler2: '#4fd1c5' };

/**
 * A slice at its full resolution with the crop (outside dimmed) and the ruler lines drawn over
 * it; dragging draws a crop rectangle or a ruler line, depending on the tool. Coordinates
 * handed out are pixels of the original slice, 0 at the centre of the first pixel.
 */
export default function PreviewCanvas({
  slice,
  crop,
  lines,
  tool,
  onCrop,
  onLine,
  maxWidth = 640,
  maxHeight = 440,
}: {
  slice: PreviewSlice;
  crop: CropRect;
  lines: Partial<Record<'ruler1' | 'ruler2', DrawnLine>>;
  tool: PreviewTool;
  onCrop(crop: CropRect): void;
  onLine(which: 'ruler1' | 'ruler2', line: DrawnLine): void;
  maxWidth?: number;
  maxHeight?: number;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ from: PixelPoint; to: PixelPoint } | null>(null);
  const { width, height } = slice;
  const scale = Math.min(maxWidth / width, maxHeight / height);
  const cssWidth = Math.round(width * scale);
  const cssHeight = Math.round(height * scale);

  useEffect(() => {
    if (canvasRef.current) paintSlice(canvasRef.current, slice);
  }, [slice]);

  const toPixel = (e: React.PointerEvent): PixelPoint => {
    const r = (e.currentTarget as Element).getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * width - 0.5, ((e.clientY - r.top) / r.height) * height - 0.5];
  };
  const finish = (to: PixelPoint) => {
    if (!drag) return;
    if (tool === 'crop') {
      const c = cropFromPoints(drag.from, to, width, height);
      if (c) onCrop(c);
    } else if (Math.hypot(to[0] - drag.from[0], to[1] - drag.from[1]) > 0) {
      onLine(tool, { from: drag.from, to });
    }
    setDrag(null);
  };

  const shownCrop = drag && tool === 'crop' ? (cropFromPoints(drag.from, drag.to, width, height) ?? crop) : crop;
  const shownLines = { ...lines, ...(drag && tool !== 'crop' ? { [tool]: drag } : {}) } as Partial<Record<'ruler1' | 'ruler2', DrawnLine>>;
  const whole = shownCrop.x === 0 && shownCrop.y === 0 && shownCrop.width === width && shownCrop.height === height;

  return (
    <div className="relative select-none" style={{ width: cssWidth, height: cssHeight }}>
      <canvas
        ref={canvasRef}
        data-cy="imagestack-preview-canvas"
        style={{ width: cssWidth, height: cssHeight, imageRendering: 'pixelated', display: 'block' }}
      />
      <svg
        data-cy="imagestack-preview"
        data-width={width}
        data-height={height}
        className="absolute left-0 top-0"
        style={{ width: cssWidth, height: cssHeight, touchAction: 'none', cursor: 'crosshair' }}
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        onPointerDown={e => {
          (e.currentTarget as Element).setPointerCapture(e.pointerId);
          const p = toPixel(e);
          setDrag({ from: p, to: p });
        }}
        onPointerMove={e => drag && setDrag({ from: drag.from, to: toPixel(e) })}
        onPointerUp={e => finish(toPixel(e))}
        onPointerCancel={() => setDrag(null)}
      >
        {!whole && (
          <path
            d={`M0 0H${width}V${height}H0Z M${shownCrop.x} ${shownCrop.y}v${shownCrop.height}h${shownCrop.width}v${-shownCrop.height}Z`}
            fill="rgba(0,0,0,0.55)"
            fillRule="evenodd"
          />
        )}
        <rect
          x={shownCrop.x}
          y={shownCrop.y}
          width={shownCrop.width}
          height={shownCrop.height}
          fill="none"
          stroke={whole ? 'none' : '#5acce6'}
          strokeWidth={1.5}
          vectorEffect="non-scaling-stroke"
        />
        {(['ruler1', 'ruler2'] as const).map(k => {
          const l = shownLines[k];
          if (!l) return null;
          return (
            <line
              key={k}
              x1={l.from[0] + 0.5}
              y1={l.from[1] + 0.5}
              x2={l.to[0] + 0.5}
              y2={l.to[1] + 0.5}
              stroke={LINE_COLOURS[k]}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
            />
          );
        })}
      </svg>
    </div>
  );
}
