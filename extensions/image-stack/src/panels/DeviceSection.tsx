import React, { useEffect, useRef, useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import { parsePointMm, type Point3, type TubeParameters } from '@imagestack/core';
import { COMMANDS } from '../ids';
import { errorLine } from '../utils/errors';
import { distanceColour, GREEN_AT_MM, RED_AT_MM } from '../fit/distanceColour';
import { DEFAULT_TUBE, transformText } from '../workflow/deviceFit';
import type { FitAnatomy, FitSummary } from '../workflow/fitState';
import type { VersionedSegmentSectionProps } from './sectionProps';
import { usePanelState } from './usePanelState';

const inputClass = 'bg-background border-input w-16 rounded border px-2 py-1 text-sm';
const selectClass = 'bg-background border-input rounded border px-2 py-1 text-sm';
const mm = (v: number) => `${v.toFixed(2)} mm`;
const point = (p: Point3) => p.map(v => v.toFixed(1)).join(', ');
/** Changes closer together than this count as nudging fast: measured without the volume, then in full. */
const FAST_MS = 400;

/** Nudges in patient axes (LPS): +x is the patient's left, +y posterior, +z superior. */
const NUDGES: Array<{ cy: string; label: string; title: string; axis: 0 | 1 | 2; sign: 1 | -1 }> = [
  { cy: 'x-minus', label: '−x', title: 'towards the patient’s right (←)', axis: 0, sign: -1 },
  { cy: 'x-plus', label: '+x', title: 'towards the patient’s left (→)', axis: 0, sign: 1 },
  { cy: 'y-minus', label: '−y', title: 'anterior (↑)', axis: 1, sign: -1 },
  { cy: 'y-plus', label: '+y', title: 'posterior (↓)', axis: 1, sign: 1 },
  { cy: 'z-minus', label: '−z', title: 'inferior (Page Down)', axis: 2, sign: -1 },
  { cy: 'z-plus', label: '+z', title: 'superior (Page Up)', axis: 2, sign: 1 },
];
const UNIT: Point3[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];
/** Arrow keys nudge as in the axial view (screen right is the patient's left, up is anterior); Shift turns instead. */
const KEYS: Record<string, { axis: 0 | 1 | 2; sign: 1 | -1; turnAxis: 0 | 1 | 2 }> = {
  ArrowLeft: { axis: 0, sign: -1, turnAxis: 2 },
  ArrowRight: { axis: 0, sign: 1, turnAxis: 2 },
  ArrowUp: { axis: 1, sign: -1, turnAxis: 0 },
  ArrowDown: { axis: 1, sign: 1, turnAxis: 0 },
  PageDown: { axis: 2, sign: -1, turnAxis: 1 },
  PageUp: { axis: 2, sign: 1, turnAxis: 1 },
};

function positiveMm(text: string, what: string, { zero = false } = {}): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (zero ? v < 0 : v <= 0)) throw new Error(`Enter ${what} in mm, ${zero ? '0 or more' : 'above 0'}`);
  return v;
}

/**
 * Device fit: generate a tube or load a device file, choose the anatomy segment, place the device
 * (typed 4×4, position + axis, or nudging with buttons and arrow keys), and read the clearance,
 * interference and whether it is inside, re-measured on every move. The work is the workflow's
 * commands; this section renders and dispatches.
 */
export default function DeviceSection({
  series,
  segments,
  activeSegment,
  segmentationVersion,
  commandsManager,
}: VersionedSegmentSectionProps) {
  const fit = series.workflow.fit;
  const [, setVersion] = useState(0);
  const rerender = () => setVersion(v => v + 1);
  const [od, setOd] = usePanelState(series, 'fitOd', String(DEFAULT_TUBE.outerDiameterMm));
  const [id, setId] = usePanelState(series, 'fitId', String(DEFAULT_TUBE.innerDiameterMm));
  const [length, setLength] = usePanelState(series, 'fitLength', String(DEFAULT_TUBE.lengthMm));
  const [bendRadius, setBendRadius] = usePanelState(series, 'fitBendRadius', String(DEFAULT_TUBE.bendRadiusMm));
  const [bendAngle, setBendAngle] = usePanelState(series, 'fitBendAngle', String(DEFAULT_TUBE.bendAngleDeg));
  const [cuff, setCuff] = usePanelState(series, 'fitCuff', '');
  const [segmentChoice, setSegmentChoice] = usePanelState<string | undefined>(series, 'fitSegment', undefined);
  const [stepMm, setStepMm] = usePanelState(series, 'fitStepMm', '1');
  const [stepDeg, setStepDeg] = usePanelState(series, 'fitStepDeg', '5');
  const [position, setPosition] = usePanelState(series, 'fitPosition', '');
  const [axis, setAxis] = usePanelState(series, 'fitAxis', '0, 0, 1');
  const active = fit.devices.find(d => d.id === fit.activeDeviceId);
  const [matrix, setMatrix] = useState(() => (active ? transformText(active.transform) : ''));
  const [result, setResult] = useState<FitSummary | undefined>(fit.last);
  const [busy, setBusy] = useState('');
  const [measuring, setMeasuring] = useState(false);
  const [error, setError] = useState('');
  const inFlight = useRef(false);
  const queued = useRef<{ fast: boolean } | null>(null);
  const lastMove = useRef(0);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (settle.current && clearTimeout(settle.current)), []);
  // devices kept with the series (a restored session, another tab shown meanwhile) are drawn again
  useEffect(() => {
    if (!fit.devices.length) return;
    try {
      commandsManager.runCommand(COMMANDS.showDevices);
    } catch (e) {
      setError(errorLine(e));
    }
  }, [series]);

  const chosen = segments.find(s => String(s.index) === (segmentChoice ?? String(activeSegment))) ?? segments[0];
  const anatomy: FitAnatomy | undefined = fit.anatomy;
  // the segment's voxels changed (a refine, a brush stroke) or it went: the workflow compares them with the anatomy's
  const [anatomyStatus, setAnatomyStatus] = useState<string>('current');
  useEffect(() => {
    if (!anatomy) return setAnatomyStatus('none');
    try {
      setAnatomyStatus(commandsManager.runCommand(COMMANDS.fitAnatomyStatus));
    } catch (e) {
      setError(errorLine(e));
    }
  }, [segmentationVersion, anatomy, series]);
  const [moving, setMoving] = useState(false);
  useEffect(() => () => void commandsManager.runCommand(COMMANDS.fitDragMode, { enabled: false }), []);

  const run = async <T,>(what: string, f: () => Promise<T> | T): Promise<T | undefined> => {
    setError('');
    setBusy(what);
    try {
      return await f();
    } catch (e) {
      setError(errorLine(e));
      return undefined;
    } finally {
      setBusy('');
      rerender();
    }
  };

  /** Measures the active device; while one runs, the next waits (only the newest placement is measured). */
  async function measure(fast: boolean): Promise<void> {
    if (!fit.anatomy || !fit.activeDeviceId) return;
    if (inFlight.current) {
      queued.current = { fast: (queued.current?.fast ?? true) && fast };
      return;
    }
    inFlight.current = true;
    setMeasuring(true);
    try {
      setResult(await commandsManager.runCommand(COMMANDS.measureFit, { fast }));
      setError('');
    } catch (e) {
      setError(errorLine(e));
    } finally {
      inFlight.current = false;
      setMeasuring(false);
    }
    const next = queued.current;
    queued.current = null;
    if (next) return measure(next.fast);
    if (fast) {
      // the drag has paused: the full measurement (with the interference volume) follows
      if (settle.current) clearTimeout(settle.current);
      settle.current = setTimeout(() => {
        if (Date.now() - lastMove.current >= FAST_MS) void measure(false);
      }, FAST_MS);
    }
  }

  function placed(transform: number[], { nudge = false } = {}) {
    setMatrix(transformText(transform));
    const now = Date.now();
    const fast = nudge && now - lastMove.current < FAST_MS;
    lastMove.current = now;
    rerender();
    void measure(fast);
  }

  const place = (placement: object, opts?: { nudge?: boolean }) => {
    setError('');
    try {
      placed(commandsManager.runCommand(COMMANDS.placeDevice, placement), opts);
    } catch (e) {
      setError(errorLine(e));
    }
  };
  const nudge = (axisIndex: 0 | 1 | 2, sign: 1 | -1, turn: boolean) => {
    if (!active) return;
    try {
      if (turn) {
        const deg = Number(stepDeg);
        if (!Number.isFinite(deg) || deg <= 0) throw new Error('Enter the turn step in degrees, above 0');
        place({ rotate: { axis: UNIT[axisIndex], deg: sign * deg } }, { nudge: true });
      } else {
        const step = positiveMm(stepMm, 'the step');
        place({ translateMm: UNIT[axisIndex].map(v => v * sign * step) as Point3 }, { nudge: true });
      }
    } catch (e) {
      setError(errorLine(e));
    }
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    const k = KEYS[e.key];
    if (!k || !active) return;
    // typing in a field keeps its keys
    const tag = (e.target as HTMLElement).tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return;
    e.preventDefault();
    if (e.shiftKey) nudge(k.turnAxis, k.sign, true);
    else nudge(k.axis, k.sign, false);
  };

  const afterNewDevice = (device: { transform: number[] } | undefined) => {
    if (!device) return;
    setMatrix(transformText(device.transform));
    setResult(undefined);
    void measure(false);
  };

  const addTube = () =>
    run('generating the tube', () => {
      const params: TubeParameters = {
        outerDiameterMm: positiveMm(od, 'the outer diameter'),
        innerDiameterMm: positiveMm(id, 'the inner diameter', { zero: true }),
        lengthMm: positiveMm(length, 'the length'),
      };
      const angle = Number(bendAngle || '0');
      if (!Number.isFinite(angle) || angle < 0) throw new Error('Enter the bend angle in degrees, 0 or more');
      if (angle > 0) {
        params.bendAngleDeg = angle;
        params.bendRadiusMm = positiveMm(bendRadius, 'the bend radius');
      }
      if (cuff.trim()) params.cuffDiameterMm = positiveMm(cuff, 'the cuff diameter');
      return commandsManager.runCommand(COMMANDS.addTube, { params });
    }).then(afterNewDevice);

  const loadFile = async (file: File | undefined) => {
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    afterNewDevice(await run(`reading ${file.name}`, () => commandsManager.runCommand(COMMANDS.loadDevice, { fileName: file.name, bytes })));
  };

  const useSegment = () =>
    run('preparing the anatomy', async () => {
      await commandsManager.runCommand(COMMANDS.fitSetAnatomy, { segmentIndex: chosen?.index });
      setAnatomyStatus('current');
      setResult(undefined);
      await measure(false);
    });
  const updateAnatomy = () =>
    run('updating the anatomy', async () => {
      await commandsManager.runCommand(COMMANDS.fitUpdateAnatomy);
      setAnatomyStatus('current');
      setResult(undefined);
      await measure(false);
    });
  /** "Move device": drags on the device in the 3D view run the nudges' placeDevice, measured fast while moving, in full at the end. */
  const toggleMoving = () => {
    try {
      const on = !moving;
      const r = commandsManager.runCommand(COMMANDS.fitDragMode, on ? { enabled: true, onDrag: (p: object) => place(p, { nudge: true }), onEnd: () => void measure(false) } : { enabled: false });
      setMoving(on);
      if (on && !r.views) setError('Open a 3D view (a layout with 3D) to drag the device there');
    } catch (e) {
      setError(errorLine(e));
    }
  };

  const current = result && active && result.deviceId === active.id;
  const interference = current && result ? (Number.isNaN(result.interferenceMl) ? '…' : `${result.interferenceMl.toFixed(3)} mL`) : '—';
  const slices = current && result?.interferenceSlices ? ` (slices ${result.interferenceSlices[0] + 1}–${result.interferenceSlices[1] + 1})` : '';

  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Device fit</PanelSection.Header>
      <PanelSection.Content>
        <div data-cy="imagestack-fit" className="flex flex-col gap-2 p-3 outline-none" tabIndex={0} onKeyDown={onKeyDown} title="With this section focused: arrow keys and Page Up/Down move the device, Shift turns it">
          <div className="font-semibold">Anatomy</div>
          {!segments.length ? (
            <div className="text-muted-foreground">Make a segment first (e.g. threshold air, keep the airway).</div>
          ) : (
            <div className="flex flex-wrap items-center gap-2">
              <select data-cy="imagestack-fit-segment" aria-label="anatomy segment" className={selectClass} value={chosen ? String(chosen.index) : ''} onChange={e => setSegmentChoice(e.target.value)}>
                {segments.map(s => (
                  <option key={s.index} value={String(s.index)}>
                    {s.index}: {s.label}
                  </option>
                ))}
              </select>
              <Button data-cy="imagestack-fit-use-segment" variant="secondary" disabled={!!busy} onClick={useSegment} title="Meshed as Export STL meshes it; nothing is downloaded">
                Use this segment
              </Button>
            </div>
          )}
          {anatomy && (
            <div data-cy="imagestack-fit-anatomy" className="text-muted-foreground">
              {anatomy.segmentIndex}: {anatomy.label} — {anatomy.triangles.toLocaleString('en')} triangles, {anatomy.volumeMl.toFixed(2)} mL{anatomy.closed ? '' : ', not closed (inside/outside approximate)'}
            </div>
          )}
          {anatomy && (anatomyStatus === 'changed' || anatomyStatus === 'gone') && (
            <div data-cy="imagestack-fit-anatomy-stale" data-status={anatomyStatus} role="status" className="flex flex-wrap items-center gap-2 text-yellow-400">
              {anatomyStatus === 'changed' ? 'Segment changed since: the numbers are of the old surface.' : 'The segment is gone: choose another.'}
              {anatomyStatus === 'changed' && (
                <Button data-cy="imagestack-fit-update-anatomy" variant="secondary" size="sm" disabled={!!busy} onClick={updateAnatomy}>
                  Update anatomy
                </Button>
              )}
            </div>
          )}

          <div className="mt-1 font-semibold">Device</div>
          <div className="grid grid-cols-2 gap-x-2 gap-y-1">
            <label className="flex items-center justify-between gap-1">
              OD mm
              <input data-cy="imagestack-fit-od" aria-label="outer diameter, mm" className={inputClass} type="number" min={0} step="any" value={od} onChange={e => setOd(e.target.value)} />
            </label>
            <label className="flex items-center justify-between gap-1">
              ID mm
              <input data-cy="imagestack-fit-id" aria-label="inner diameter, mm" className={inputClass} type="number" min={0} step="any" value={id} onChange={e => setId(e.target.value)} />
            </label>
            <label className="flex items-center justify-between gap-1">
              Length mm
              <input data-cy="imagestack-fit-length" aria-label="length along the centreline, mm" className={inputClass} type="number" min={0} step="any" value={length} onChange={e => setLength(e.target.value)} />
            </label>
            <label className="flex items-center justify-between gap-1">
              Bend R mm
              <input data-cy="imagestack-fit-bend-radius" aria-label="bend radius, mm" className={inputClass} type="number" min={0} step="any" value={bendRadius} onChange={e => setBendRadius(e.target.value)} />
            </label>
            <label className="flex items-center justify-between gap-1">
              Bend °
              <input data-cy="imagestack-fit-bend-angle" aria-label="bend angle, degrees (0 straight)" className={inputClass} type="number" min={0} step="any" value={bendAngle} onChange={e => setBendAngle(e.target.value)} />
            </label>
            <label className="flex items-center justify-between gap-1">
              Cuff mm
              <input data-cy="imagestack-fit-cuff" aria-label="cuff diameter, mm (empty: no cuff)" placeholder="none" className={inputClass} type="number" min={0} step="any" value={cuff} onChange={e => setCuff(e.target.value)} />
            </label>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Button data-cy="imagestack-fit-add-tube" disabled={!!busy} onClick={addTube} title="Tip at its origin, straight part along +z, bending towards +x">
              Generate tube
            </Button>
            <label className="text-primary cursor-pointer underline">
              or load STL/OBJ
              <input data-cy="imagestack-fit-file" type="file" accept=".stl,.obj" className="hidden" onChange={e => void loadFile(e.target.files?.[0]).finally(() => (e.target.value = ''))} />
            </label>
          </div>
          {fit.devices.length > 0 && (
            <div className="flex flex-wrap items-center gap-2">
              <select
                data-cy="imagestack-fit-device"
                aria-label="device"
                className={`${selectClass} max-w-[14rem]`}
                value={fit.activeDeviceId}
                onChange={e =>
                  void run('choosing the device', () => {
                    const d = commandsManager.runCommand(COMMANDS.chooseDevice, { deviceId: e.target.value });
                    afterNewDevice(d);
                  })
                }
              >
                {fit.devices.map(d => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
              <Button data-cy="imagestack-fit-remove" variant="secondary" disabled={!!busy} onClick={() => void run('removing the device', () => commandsManager.runCommand(COMMANDS.removeDevice)).then(() => { const d = series.workflow.fit.devices.find(x => x.id === series.workflow.fit.activeDeviceId); setMatrix(d ? transformText(d.transform) : ''); setResult(undefined); })}>
                Remove
              </Button>
            </div>
          )}

          {active && (
            <>
              <div className="mt-1 font-semibold">Placement (mm, LPS)</div>
              <textarea
                data-cy="imagestack-fit-transform"
                aria-label="placement: 4×4 matrix by rows, device to patient, mm"
                rows={4}
                className="bg-background border-input rounded border px-2 py-1 font-mono text-xs"
                value={matrix}
                spellCheck={false}
                onChange={e => setMatrix(e.target.value)}
              />
              <Button data-cy="imagestack-fit-apply-transform" variant="secondary" onClick={() => place({ transform: matrix })}>
                Apply 4×4
              </Button>
              <div className="flex flex-wrap items-center gap-2">
                <input data-cy="imagestack-fit-position" aria-label="tip position x, y, z mm" placeholder="tip x, y, z" className={`${inputClass} w-28`} value={position} onChange={e => setPosition(e.target.value)} />
                <input data-cy="imagestack-fit-axis" aria-label="axis x, y, z" placeholder="axis x, y, z" className={`${inputClass} w-20`} value={axis} onChange={e => setAxis(e.target.value)} />
                <Button
                  data-cy="imagestack-fit-apply-position"
                  variant="secondary"
                  onClick={() => {
                    try {
                      place({ positionMm: parsePointMm(position), axis: parsePointMm(axis) });
                    } catch (e) {
                      setError(errorLine(e));
                    }
                  }}
                >
                  Place
                </Button>
              </div>
              <Button
                data-cy="imagestack-fit-move-device"
                variant={moving ? 'default' : 'secondary'}
                aria-pressed={moving}
                onClick={toggleMoving}
                title="Drag the device in the 3D view: in the screen's plane; Shift turns it about its centre, Ctrl rolls it"
              >
                {moving ? 'Moving device (drag in 3D)' : 'Move device'}
              </Button>
              <div className="flex flex-wrap items-center gap-1">
                Step
                <input data-cy="imagestack-fit-step-mm" aria-label="nudge step, mm" className={`${inputClass} w-14`} type="number" min={0} step="any" value={stepMm} onChange={e => setStepMm(e.target.value)} />
                mm
                <input data-cy="imagestack-fit-step-deg" aria-label="turn step, degrees" className={`${inputClass} w-14`} type="number" min={0} step="any" value={stepDeg} onChange={e => setStepDeg(e.target.value)} />°
              </div>
              <div className="flex flex-wrap gap-1">
                {NUDGES.map(n => (
                  <Button key={n.cy} data-cy={`imagestack-fit-nudge-${n.cy}`} variant="secondary" size="sm" title={`move ${n.title}`} onClick={() => nudge(n.axis, n.sign, false)}>
                    {n.label}
                  </Button>
                ))}
              </div>
              <div className="flex flex-wrap gap-1">
                {NUDGES.map(n => (
                  <Button key={n.cy} data-cy={`imagestack-fit-nudge-r${n.cy}`} variant="secondary" size="sm" title={`turn about ${'xyz'[n.axis]} through the tip (Shift + key)`} onClick={() => nudge(n.axis, n.sign, true)}>
                    ⟳{n.label}
                  </Button>
                ))}
              </div>
            </>
          )}

          {active && anatomy && (
            <dl
              data-cy="imagestack-fit-result"
              data-full={current && result ? String(result.full) : undefined}
              data-placement={current && result ? result.transform.join(',') : undefined}
              data-measuring={String(measuring)}
              className="mt-1 grid grid-cols-2 gap-x-3 gap-y-1"
            >
              <dt>Min clearance</dt>
              <dd data-cy="imagestack-fit-clearance">{current && result ? mm(result.minClearanceMm) : '—'}</dd>
              <dt>Where</dt>
              <dd className="flex items-center gap-2">
                <span data-cy="imagestack-fit-where">{current && result ? point(result.closestPointMm) : '—'}</span>
                <Button data-cy="imagestack-fit-jump" variant="secondary" size="sm" disabled={!current} onClick={() => void run('jumping', () => commandsManager.runCommand(COMMANDS.fitJump))}>
                  Jump there
                </Button>
              </dd>
              <dt>Interference</dt>
              <dd data-cy="imagestack-fit-interference">
                {interference}
                {slices}
              </dd>
              <dt>Inside</dt>
              <dd data-cy="imagestack-fit-inside">{current && result ? (result.deviceInside ? 'yes' : 'no') : '—'}</dd>
              <dt>3D colours</dt>
              <dd data-cy="imagestack-fit-colour-scale" className="flex flex-col text-xs" title="signed distance to the wall on the device in the 3D view">
                <span style={{ height: 8, borderRadius: 2, background: `linear-gradient(to right, ${[RED_AT_MM, 0, GREEN_AT_MM].map(v => `rgb(${distanceColour(v).join(',')})`).join(', ')})` }} />
                <span className="flex justify-between">
                  <span>{RED_AT_MM} mm</span>
                  <span>0</span>
                  <span>+{GREEN_AT_MM} mm</span>
                </span>
              </dd>
            </dl>
          )}
          {active && anatomy && (
            <Button data-cy="imagestack-fit-report" variant="secondary" disabled={!current || !result?.full || measuring} onClick={() => void run('saving the report', () => commandsManager.runCommand(COMMANDS.fitReport))}>
              Download report
            </Button>
          )}
          <div data-cy="imagestack-fit-status" className="text-muted-foreground min-h-[1.25rem]" aria-live="polite">
            {busy ? `${busy[0].toUpperCase()}${busy.slice(1)}…` : measuring ? 'Measuring…' : current && result ? `Measured${result.full ? '' : ' (fast, volume follows)'} in ${Math.round(result.ms)} ms` : ''}
          </div>
          {error && (
            <div data-cy="imagestack-fit-error" role="alert" className="text-red-400">
              {error}
            </div>
          )}
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
