import React, { useEffect, useMemo, useRef, useState } from 'react';
import { orientedSize, orientPixel, orientRect, orientSlice, unorientPixel, type CropRect, type EdgeLetters, type PixelPoint, type SliceOrientation } from '@imagestack/core';
import { cropFromPoints } from './cropFromPoints';
import { paintSlice, releaseCanvas, type PreviewSlice } from './previewSlice';

export type PreviewTool = 'crop' | 'ruler1' | 'ruler2';
export interface DrawnLine {
  from: PixelPoint;
  to: PixelPoint;
}
type RulerName = 'ruler1' | 'ruler2';

const LINE_COLOURS: Record<RulerName, string> = { ruler1: '#f5c542', ruler2: '#4fd1c5' };
const LINE_NAMES: Record<RulerName, string> = { ruler1: 'Ruler line', ruler2: 'Second ruler line' };
/** A pointer this close (CSS pixels) to a line end grabs the end instead of starting a new line. */
const GRAB_PX = 8;

/**
 * A slice as the viewer will show it (flipped and turned), with the crop (outside dimmed), the
 * ruler lines, the overlay mask and the patient-direction letters at its edges. Dragging draws
 * a crop rectangle or a ruler line, depending on the tool; a line's ends can be dragged, or
 * focused (Tab) and nudged with the arrow keys (Shift: 0.1 px). Zoom (wheel, or the page's
 * +/−) up to 8×, with the pixel grid drawn from 4 screen pixels per pixel. Every coordinate
 * handed in or out is a pixel of the capture (0 at the centre of the first pixel), before the
 * flip and turn.
 */
export default function PreviewCanvas({
  slice,
  orient,
  crop,
  lines,
  tool,
  onCrop,
  onLine,
  onNudge,
  zoom = 1,
  onZoom,
  letters,
  overlayMask,
  maxWidth = 640,
  maxHeight = 440,
}: {
  slice: PreviewSlice;
  orient?: SliceOrientation;
  crop: CropRect;
  lines: Partial<Record<RulerName, DrawnLine>>;
  tool: PreviewTool;
  onCrop(crop: CropRect): void;
  onLine(which: RulerName, line: DrawnLine): void;
  onNudge?(which: RulerName, end: 'from' | 'to', dx: number, dy: number): void;
  zoom?: number;
  onZoom?(step: 1 | -1): void;
  letters?: EdgeLetters;
  /** 1 where a burned-in overlay was found, capture pixels (width × height). */
  overlayMask?: Uint8Array;
  maxWidth?: number;
  maxHeight?: number;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const maskRef = useRef<HTMLCanvasElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ kind: 'new'; from: PixelPoint; to: PixelPoint } | { kind: 'end'; which: RulerName; end: 'from' | 'to'; at: PixelPoint } | null>(null);
  const { width: W, height: H } = slice;
  const [width, height] = orientedSize(W, H, orient);
  const fit = Math.min(maxWidth / width, maxHeight / height);
  const boxWidth = Math.round(width * fit);
  const boxHeight = Math.round(height * fit);
  const cssWidth = Math.round(width * fit * zoom);
  const cssHeight = Math.round(height * fit * zoom);
  const grid = fit * zoom >= 4;

  const shown = useMemo(() => ({ ...slice, width, height, grey: orientSlice(slice.grey, W, H, orient) }), [slice, orient, width, height, W, H]);
  useEffect(() => {
    if (canvasRef.current) paintSlice(canvasRef.current, shown);
  }, [shown]);
  useEffect(() => {
    const c = canvasRef.current;
    return () => releaseCanvas(c);
  }, []);
  useEffect(() => {
    const c = maskRef.current;
    if (!c) return;
    // no overlay: no pixels (a full-size transparent canvas would cost as much as the slice's)
    if (!overlayMask || overlayMask.length !== W * H) return releaseCanvas(c);
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const m = orientSlice(overlayMask, W, H, orient);
    const img = ctx.createImageData(width, height);
    for (let i = 0, j = 0; i < m.length; i++, j += 4) {
      if (!m[i]) continue;
      img.data.set([255, 0, 200, 120], j);
    }
    ctx.putImageData(img, 0, 0);
    return () => releaseCanvas(c);
  }, [overlayMask, orient, width, height, W, H]);

  // the wheel zooms (a non-passive listener: the page must not scroll meanwhile)
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || !onZoom) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.deltaY) return;
      e.preventDefault();
      onZoom(e.deltaY < 0 ? 1 : -1);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [onZoom]);

  const toShown = (p: PixelPoint) => orientPixel(orient, W, H, p);
  const toCapture = (p: PixelPoint) => unorientPixel(orient, W, H, p);
  /** Pointer → oriented pixel → capture pixel. */
  const toPixel = (e: React.PointerEvent): PixelPoint => {
    const r = (e.currentTarget as Element).getBoundingClientRect();
    return toCapture([((e.clientX - r.left) / r.width) * width - 0.5, ((e.clientY - r.top) / r.height) * height - 0.5]);
  };
  const grabbed = (e: React.PointerEvent): { which: RulerName; end: 'from' | 'to' } | null => {
    if (tool === 'crop') return null;
    const l = lines[tool];
    if (!l) return null;
    const r = (e.currentTarget as Element).getBoundingClientRect();
    for (const end of ['from', 'to'] as const) {
      const [x, y] = toShown(l[end]);
      const sx = r.left + ((x + 0.5) / width) * r.width;
      const sy = r.top + ((y + 0.5) / height) * r.height;
      if (Math.hypot(e.clientX - sx, e.clientY - sy) <= GRAB_PX) return { which: tool, end };
    }
    return null;
  };
  const finish = (to: PixelPoint) => {
    if (!drag) return;
    if (drag.kind === 'end') {
      const l = lines[drag.which];
      if (l) onLine(drag.which, { ...l, [drag.end]: to });
    } else if (tool === 'crop') {
      const c = cropFromPoints(drag.from, to, W, H);
      if (c) onCrop(c);
    } else if (Math.hypot(to[0] - drag.from[0], to[1] - drag.from[1]) > 0) {
      onLine(tool, { from: drag.from, to });
    }
    setDrag(null);
  };

  const captureCrop = drag?.kind === 'new' && tool === 'crop' ? (cropFromPoints(drag.from, drag.to, W, H) ?? crop) : crop;
  const shownCrop = orientRect(orient, W, H, captureCrop);
  const captureLines: Partial<Record<RulerName, DrawnLine>> = { ...lines };
  if (drag?.kind === 'new' && tool !== 'crop') captureLines[tool] = drag;
  if (drag?.kind === 'end' && lines[drag.which]) captureLines[drag.which] = { ...lines[drag.which]!, [drag.end]: drag.at };
  const whole = captureCrop.x === 0 && captureCrop.y === 0 && captureCrop.width === W && captureCrop.height === H;

  /** Arrow keys move a focused line end in the direction shown on screen, in capture pixels. */
  const onHandleKey = (which: RulerName, end: 'from' | 'to') => (e: React.KeyboardEvent) => {
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d || !onNudge) return;
    e.preventDefault();
    const step = e.shiftKey ? 0.1 : 1;
    const a = toCapture([0, 0]);
    const b = toCapture([d[0], d[1]]);
    onNudge(which, end, Math.round((b[0] - a[0]) * step * 10) / 10, Math.round((b[1] - a[1]) * step * 10) / 10);
  };

  const letter = (where: keyof EdgeLetters, style: React.CSSProperties) =>
    letters ? (
      <span
        className="pointer-events-none absolute text-sm font-bold"
        style={{ color: '#fde047', textShadow: '0 0 3px #000, 0 0 3px #000', ...style }}
        data-edge={where}
      >
        {letters[where]}
      </span>
    ) : null;

  return (
    <div
      className="relative select-none"
      style={{ width: boxWidth, height: boxHeight }}
      data-cy="imagestack-edge-letters"
      data-top={letters?.top}
      data-bottom={letters?.bottom}
      data-left={letters?.left}
      data-right={letters?.right}
      data-zoom={zoom}
    >
      <div ref={scrollRef} data-cy="imagestack-preview-scroll" style={{ width: boxWidth, height: boxHeight, overflow: zoom > 1 ? 'auto' : 'hidden' }}>
        <div className="relative" style={{ width: cssWidth, height: cssHeight }}>
          <canvas
            ref={canvasRef}
            data-cy="imagestack-preview-canvas"
            role="img"
            aria-label={`Slice ${slice.name} as the viewer will show it${letters ? `: ${letters.top} at the top, ${letters.bottom} at the bottom, ${letters.left} on the left, ${letters.right} on the right` : ''}`}
            style={{ width: cssWidth, height: cssHeight, imageRendering: 'pixelated', display: 'block' }}
          />
          <canvas
            ref={maskRef}
            data-cy="imagestack-overlay-mask"
            aria-hidden="true"
            className="pointer-events-none absolute left-0 top-0"
            style={{ width: cssWidth, height: cssHeight, imageRendering: 'pixelated', display: overlayMask ? 'block' : 'none' }}
          />
          <svg
            data-cy="imagestack-preview"
            data-width={width}
            data-height={height}
            aria-label={tool === 'crop' ? 'Slice preview: drag a crop rectangle' : `Slice preview: drag along the ruler (${LINE_NAMES[tool]})`}
            className="absolute left-0 top-0"
            style={{ width: cssWidth, height: cssHeight, touchAction: 'none', cursor: 'crosshair' }}
            viewBox={`0 0 ${width} ${height}`}
            preserveAspectRatio="none"
            onPointerDown={e => {
              if ((e.target as Element).tagName === 'circle' && e.button !== 0) return;
              (e.currentTarget as Element).setPointerCapture(e.pointerId);
              const g = grabbed(e);
              const p = toPixel(e);
              setDrag(g ? { kind: 'end', ...g, at: p } : { kind: 'new', from: p, to: p });
            }}
            onPointerMove={e => {
              if (!drag) return;
              const p = toPixel(e);
              setDrag(drag.kind === 'end' ? { ...drag, at: p } : { ...drag, to: p });
            }}
            onPointerUp={e => finish(toPixel(e))}
            onPointerCancel={() => setDrag(null)}
          >
            {grid && (
              <>
                <defs>
                  <pattern id="imagestack-pixel-grid" width={1} height={1} patternUnits="userSpaceOnUse">
                    <path d="M1 0V1H0" fill="none" stroke="rgba(255,255,255,0.18)" strokeWidth={1} vectorEffect="non-scaling-stroke" />
                  </pattern>
                </defs>
                <rect data-cy="imagestack-pixel-grid" x={0} y={0} width={width} height={height} fill="url(#imagestack-pixel-grid)" pointerEvents="none" />
              </>
            )}
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
              const l = captureLines[k];
              if (!l) return null;
              const a = toShown(l.from);
              const b = toShown(l.to);
              const r = Math.max(0.6, 5 / (fit * zoom));
              return (
                <g key={k}>
                  <line x1={a[0] + 0.5} y1={a[1] + 0.5} x2={b[0] + 0.5} y2={b[1] + 0.5} stroke={LINE_COLOURS[k]} strokeWidth={2} vectorEffect="non-scaling-stroke" />
                  {lines[k] &&
                    (['from', 'to'] as const).map(end => {
                      const p = end === 'from' ? a : b;
                      const c = l[end];
                      return (
                        <circle
                          key={end}
                          data-cy={`imagestack-${k}-${end}`}
                          tabIndex={0}
                          role="button"
                          aria-label={`${LINE_NAMES[k]} ${end === 'from' ? 'start' : 'end'} at x ${c[0].toFixed(1)}, y ${c[1].toFixed(1)}: arrow keys move it 1 pixel, with Shift 0.1`}
                          cx={p[0] + 0.5}
                          cy={p[1] + 0.5}
                          r={r}
                          fill="none"
                          stroke={LINE_COLOURS[k]}
                          strokeWidth={1.5}
                          vectorEffect="non-scaling-stroke"
                          onKeyDown={onHandleKey(k, end)}
                          style={{ outline: 'none' }}
                          className="imagestack-handle"
                        />
                      );
                    })}
                </g>
              );
            })}
          </svg>
        </div>
      </div>
      {letter('top', { top: 2, left: '50%', transform: 'translateX(-50%)' })}
      {letter('bottom', { bottom: 2, left: '50%', transform: 'translateX(-50%)' })}
      {letter('left', { left: 4, top: '50%', transform: 'translateY(-50%)' })}
      {letter('right', { right: 4, top: '50%', transform: 'translateY(-50%)' })}
    </div>
  );
}
