import React, { useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import { captureWindowLabel, huStep } from '@imagestack/core';
import { COMMANDS, IDS } from '../ids';
import type { LoadedSeries } from '../services/ImageStackService';
import { errorLine } from '../utils/errors';
import type { ThresholdResult } from '../workflow/thresholdSeries';
import type { SegmentInfo } from '../workflow/segmentationHost';
import { otsuThreshold } from '../segmentation/otsu';
import { boundText, readThresholdBounds, type ThresholdScale } from '../workflow/thresholdRange';
import Histogram from './Histogram';
import { usePanelState } from './usePanelState';

const inputClass = 'bg-background border-input w-20 rounded border px-2 py-1 text-sm';
const selectClass = 'bg-background border-input rounded border px-2 py-1 text-sm';
const NEW = 'new';

/**
 * Whole-volume threshold from the data's own histogram into a new segment named by its range,
 * or into a chosen segment once the user has said to replace it.
 */
export default function ThresholdSection({ series, segments, commandsManager, servicesManager }: { series: LoadedSeries; segments: SegmentInfo[]; commandsManager: any; servicesManager: any }) {
  const maxValue = series.stack.bitsStored === 8 ? 255 : 65535;
  // with the import's capture window the bounds are typed and shown in approximate HU; the
  // labelmap is made from the grey levels they select (workflow/thresholdRange.ts)
  const captureWindow = series.stack.bitsStored === 8 ? series.provenance.captureWindow : undefined;
  const scale: ThresholdScale = { maxValue, captureWindow };
  const [lower, setLower] = usePanelState(series, 'thresholdLower', () => boundText(scale, otsuThreshold(series.histogram), 'lower'));
  const [upper, setUpper] = usePanelState(series, 'thresholdUpper', () => boundText(scale, maxValue, 'upper'));
  const [into, setInto] = useState<string>(NEW);
  const [replace, setReplace] = useState(false);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = usePanelState(series, 'thresholdMessage', '');
  const reading = readThresholdBounds(scale, lower, upper);
  const target = into === NEW ? undefined : segments.find(s => String(s.index) === into);
  const problem =
    reading.problem ?? (target && !replace ? `Tick "replace" to overwrite segment ${target.index} "${target.label}", or choose a new segment` : '');
  const [lo, hi] = reading.grey ?? [-1, -2];

  const apply = async () => {
    setBusy(true);
    setMessage('Thresholding…');
    setProgress(0);
    const hadLabelmap = segments.length > 0;
    try {
      const t0 = performance.now();
      const onProgress = (done: number, total: number) => setProgress(done / total);
      const r: ThresholdResult = await commandsManager.runCommand(COMMANDS.threshold, { lower: lo, upper: hi, into: target ? target.index : NEW, replace, onProgress });
      const seconds = (performance.now() - t0) / 1000;
      setMessage(`Segment ${r.segmentIndex} "${r.label}": ${r.voxels.toLocaleString('en')} voxels, ${r.volume_mL.toFixed(2)} mL (${seconds.toFixed(1)} s)`);
      setInto(NEW);
      setReplace(false);
      // OHIF switches to its segmentation tab when a segmentation appears; the user is in the
      // middle of our workflow, so bring it back (OHIF's tab stays one click away).
      if (!hadLabelmap) setTimeout(() => servicesManager.services.panelService.activatePanel(IDS.workflowPanel, true), 0);
    } catch (e) {
      setMessage(`Threshold failed: ${errorLine(e)}`);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Threshold</PanelSection.Header>
      <PanelSection.Content>
        <div className="flex flex-col gap-2 p-3">
          <Histogram histogram={series.histogram} lower={lo} upper={hi} maxValue={maxValue} captureWindow={captureWindow} />
          <div className="flex items-center gap-2">
            <label className="flex items-center gap-1">
              From
              <input
                data-cy="imagestack-threshold-min"
                className={inputClass}
                type="number"
                {...(captureWindow ? { step: 'any' } : { min: 0, max: maxValue })}
                value={lower}
                onChange={e => setLower(e.target.value)}
              />
            </label>
            <label className="flex items-center gap-1">
              to
              <input
                data-cy="imagestack-threshold-max"
                className={inputClass}
                type="number"
                {...(captureWindow ? { step: 'any' } : { min: 0, max: maxValue })}
                value={upper}
                onChange={e => setUpper(e.target.value)}
              />
            </label>
            <span data-cy="imagestack-threshold-unit" className="text-muted-foreground whitespace-nowrap" title={captureWindow ? 'approximate HU, from the capture window' : 'grey levels as stored'}>
              {captureWindow ? 'HU' : 'grey'}
            </span>
          </div>
          {captureWindow && (
            <div data-cy="imagestack-threshold-grey" className="text-muted-foreground text-xs" title={`Capture window ${captureWindowLabel(captureWindow)}: one grey level is ${huStep(captureWindow).toFixed(2)} HU`}>
              {reading.grey ? `= grey levels ${reading.grey[0]}–${reading.grey[1]} ` : ''}(approximate HU: capture window {captureWindowLabel(captureWindow)}, {huStep(captureWindow).toFixed(2)} HU a step)
            </div>
          )}
          <label className="flex items-center justify-between gap-2">
            Into
            <select
              data-cy="imagestack-threshold-into"
              className={selectClass}
              value={into}
              onChange={e => {
                setInto(e.target.value);
                setReplace(false);
              }}
            >
              <option value={NEW}>a new segment</option>
              {segments.map(s => (
                <option key={s.index} value={String(s.index)}>
                  segment {s.index}: {s.label}
                </option>
              ))}
            </select>
          </label>
          {target && (
            <label className="flex items-center gap-2">
              <input data-cy="imagestack-threshold-replace" type="checkbox" checked={replace} onChange={e => setReplace(e.target.checked)} />
              Replace segment {target.index} "{target.label}" (its voxels and name)
            </label>
          )}
          <Button data-cy="imagestack-threshold-apply" disabled={busy || !!problem} onClick={apply} title={problem || 'Every voxel in the range becomes the segment'}>
            Threshold whole volume
          </Button>
          {progress !== null && <progress data-cy="imagestack-threshold-progress" className="w-full" max={1} value={progress} aria-label="threshold progress" />}
          <div data-cy="imagestack-threshold-result" className="text-muted-foreground min-h-[1.25rem]" aria-live="polite">
            {problem || message}
          </div>
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
