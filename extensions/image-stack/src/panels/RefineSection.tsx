import React, { useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import { parsePointMm, type HollowSide, type Point3, type RefineStep } from '@imagestack/core';
import { COMMANDS } from '../ids';
import { errorLine } from '../utils/errors';
import type { RefineResult } from '../workflow/refineSegment';
import type { SegmentSectionProps } from './sectionProps';
import ProgressRow from './ProgressRow';
import { useJob } from './useJob';
import { usePanelState } from './usePanelState';

const inputClass = 'bg-background border-input w-16 rounded border px-2 py-1 text-sm';
const selectClass = 'bg-background border-input rounded border px-2 py-1 text-sm';
const mL = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} mL`;

/**
 * Refine the active segment (whatever painted it): keep the piece under a click, keep the
 * largest, remove small pieces, fill holes, grow or shrink by a margin, hollow. Each step runs
 * off the main thread with progress and cancel, says the volume before → after, and can be
 * undone. The work is the workflow's commands; this panel renders and dispatches.
 */
export default function RefineSection({
  series,
  segments,
  activeSegment,
  onChooseSegment,
  commandsManager,
}: SegmentSectionProps & { onChooseSegment: (index: number) => void }) {
  const job = useJob(series);
  const [message, setMessage] = usePanelState(series, 'refineMessage', '');
  const [error, setError] = useState('');
  const [picking, setPicking] = useState<AbortController | null>(null);
  const [point, setPoint] = usePanelState(series, 'refinePoint', '');
  const [minMl, setMinMl] = usePanelState(series, 'refineMinMl', '0.1');
  const [pieces, setPieces] = useState<{ segmentIndex: number; volumesMl: number[] } | null>(null);
  const [marginMm, setMarginMm] = usePanelState(series, 'refineMarginMm', '1');
  const [wallMm, setWallMm] = usePanelState(series, 'refineWallMm', '2');
  const [side, setSide] = usePanelState<HollowSide>(series, 'refineSide', 'outside');
  const [, setUndoCount] = useState(0);
  const undo = series.workflow.undo.at(-1);
  const segment = segments.find(s => s.index === activeSegment) ?? segments[0];
  const disabled = !segment || job.running || !!picking;

  const positive = (text: string, what: string) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new Error(`Enter ${what} in mm, above 0`);
    return v;
  };

  async function refine(run: (opts: object) => Promise<RefineResult>, what: string) {
    setError('');
    try {
      const r = await job.run(run, what);
      setMessage(`${what}: segment ${r.segmentIndex} ${mL(r.volumeBefore_mL)} → ${mL(r.volume_mL)}`);
      setPieces(null);
    } catch (e) {
      setError(errorLine(e));
    } finally {
      setUndoCount(n => n + 1);
    }
  }
  const apply = (step: RefineStep, what: string) => refine(opts => commandsManager.runCommand(COMMANDS.refine, { step, segmentIndex: segment?.index, ...opts }), what);
  const keepAt = (pointMm: Point3) =>
    refine(opts => commandsManager.runCommand(COMMANDS.keepIslandAtPoint, { pointMm, segmentIndex: segment?.index, ...opts }), `Kept the piece at ${pointMm.map(v => v.toFixed(1)).join(', ')} mm`);
  const guarded = (f: () => void) => () => {
    try {
      f();
    } catch (e) {
      setError(errorLine(e));
    }
  };

  async function pick() {
    setError('');
    const controller = new AbortController();
    setPicking(controller);
    try {
      const p: Point3 = await commandsManager.runCommand(COMMANDS.pickPoint, { signal: controller.signal });
      setPoint(p.map(v => v.toFixed(2)).join(', '));
      setPicking(null);
      await keepAt(p);
    } catch (e) {
      setPicking(null);
      setError(errorLine(e));
    }
  }

  async function countPieces() {
    setError('');
    try {
      setPieces(await job.run(opts => commandsManager.runCommand(COMMANDS.segmentPieces, { segmentIndex: segment?.index, ...opts }), 'counting pieces'));
    } catch (e) {
      setError(errorLine(e));
    }
  }

  async function undoLast() {
    setError('');
    try {
      const r = await commandsManager.runCommand(COMMANDS.undoRefine);
      setMessage(`Undid ${r.undid}: segment ${r.segmentIndex} is ${mL(r.volume_mL)} again`);
    } catch (e) {
      setError(errorLine(e));
    } finally {
      setUndoCount(n => n + 1);
    }
  }

  const min = Number(minMl);
  const below = pieces && pieces.segmentIndex === segment?.index && Number.isFinite(min) ? pieces.volumesMl.filter(v => v < min).length : null;

  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Refine segment</PanelSection.Header>
      <PanelSection.Content>
        <div data-cy="imagestack-refine" className="flex flex-col gap-2 p-3">
          {!segment ? (
            <div className="text-muted-foreground">Make a segment first: threshold the volume or draw with the segmentation tools.</div>
          ) : (
            <>
              <label className="flex items-center justify-between gap-2">
                Segment
                <select data-cy="imagestack-refine-segment" className={selectClass} value={String(segment.index)} onChange={e => onChooseSegment(Number(e.target.value))}>
                  {segments.map(s => (
                    <option key={s.index} value={String(s.index)}>
                      {s.index}: {s.label}
                    </option>
                  ))}
                </select>
              </label>
              <div className="flex flex-col gap-1">
                <div className="flex items-center gap-2">
                  <Button data-cy="imagestack-refine-pick" disabled={disabled} onClick={pick} title="Then click in a 2D view: only the connected piece under the click stays (Escape cancels)">
                    {picking ? 'Click in a view…' : 'Keep the piece I click'}
                  </Button>
                  {picking && (
                    <Button data-cy="imagestack-refine-pick-cancel" variant="secondary" onClick={() => picking.abort()}>
                      Cancel
                    </Button>
                  )}
                </div>
                <div className="flex items-center gap-2">
                  <input data-cy="imagestack-refine-point" aria-label="point x, y, z in mm (LPS)" placeholder="x, y, z mm (LPS)" className={`${inputClass} w-40`} value={point} onChange={e => setPoint(e.target.value)} />
                  <Button data-cy="imagestack-refine-keep-point" variant="secondary" disabled={disabled} onClick={guarded(() => keepAt(parsePointMm(point)))}>
                    Keep piece at point
                  </Button>
                </div>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                <Button data-cy="imagestack-refine-largest" variant="secondary" disabled={disabled} onClick={() => apply({ op: 'largestIsland' }, 'Kept the largest piece')}>
                  Keep largest piece
                </Button>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                Remove pieces below
                <input data-cy="imagestack-refine-min-ml" aria-label="smallest piece kept, mL" className={inputClass} type="number" min={0} step="any" value={minMl} onChange={e => setMinMl(e.target.value)} />
                mL
                <Button data-cy="imagestack-refine-count" variant="secondary" disabled={disabled} onClick={countPieces} title="Count the pieces first: nothing changes">
                  Count
                </Button>
                <Button
                  data-cy="imagestack-refine-remove-small"
                  variant="secondary"
                  disabled={disabled}
                  onClick={guarded(() => {
                    if (!Number.isFinite(min) || min <= 0) throw new Error('Enter the smallest piece to keep, in mL, above 0');
                    return apply({ op: 'removeIslandsBelow', minMl: min }, `Removed pieces below ${min} mL`);
                  })}
                >
                  Remove
                </Button>
              </div>
              {below !== null && pieces && (
                <div data-cy="imagestack-refine-pieces" className="text-muted-foreground">
                  {pieces.volumesMl.length} pieces; removing those below {min} mL takes {below} and keeps {pieces.volumesMl.length - below}.
                </div>
              )}
              <div className="flex flex-wrap items-center gap-2">
                Fill holes
                <Button data-cy="imagestack-refine-fill-3d" variant="secondary" disabled={disabled} onClick={() => apply({ op: 'fillHoles', mode: '3d' }, 'Filled enclosed holes (3D)')} title="Background enclosed in 3D becomes segment">
                  3D
                </Button>
                <Button data-cy="imagestack-refine-fill-2d" variant="secondary" disabled={disabled} onClick={() => apply({ op: 'fillHoles', mode: '2d' }, 'Filled holes slice by slice')} title="Closes a lumen that is open at its ends">
                  Slice by slice
                </Button>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                Margin
                <input data-cy="imagestack-refine-margin-mm" aria-label="margin, mm" className={inputClass} type="number" min={0} step="any" value={marginMm} onChange={e => setMarginMm(e.target.value)} />
                mm
                <Button data-cy="imagestack-refine-grow" variant="secondary" disabled={disabled} onClick={guarded(() => { const m = positive(marginMm, 'the margin'); return apply({ op: 'margin', mm: m }, `Grew by ${m} mm`); })}>
                  Grow
                </Button>
                <Button data-cy="imagestack-refine-shrink" variant="secondary" disabled={disabled} onClick={guarded(() => { const m = positive(marginMm, 'the margin'); return apply({ op: 'margin', mm: -m }, `Shrank by ${m} mm`); })}>
                  Shrink
                </Button>
              </div>
              <div className="flex flex-wrap items-center gap-2">
                Hollow, wall
                <input data-cy="imagestack-refine-hollow-mm" aria-label="wall thickness, mm" className={inputClass} type="number" min={0} step="any" value={wallMm} onChange={e => setWallMm(e.target.value)} />
                mm
                <select data-cy="imagestack-refine-hollow-side" aria-label="wall side" className={selectClass} value={side} onChange={e => setSide(e.target.value as HollowSide)}>
                  <option value="outside">outside (keeps the lumen)</option>
                  <option value="inside">inside</option>
                  <option value="centre">centred</option>
                </select>
                <Button data-cy="imagestack-refine-hollow" variant="secondary" disabled={disabled} onClick={guarded(() => { const w = positive(wallMm, 'the wall'); return apply({ op: 'hollow', mm: w, side }, `Hollowed, ${w} mm wall ${side}`); })}>
                  Hollow
                </Button>
              </div>
            </>
          )}
          {job.progress && <ProgressRow progress={job.progress} onCancel={job.cancel} cy="imagestack-refine" />}
          <div data-cy="imagestack-refine-result" className="text-muted-foreground min-h-[1.25rem]" aria-live="polite">
            {message}
          </div>
          {error && (
            <div data-cy="imagestack-refine-error" role="alert" className="text-red-400">
              {error}
            </div>
          )}
          {undo && (
            <Button data-cy="imagestack-refine-undo" variant="secondary" disabled={job.running} onClick={undoLast} title="Ctrl+Z in this panel">
              Undo: {undo.label}
            </Button>
          )}
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
