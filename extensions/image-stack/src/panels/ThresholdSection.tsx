import React, { useState } from 'react';
import { Button, PanelSection } from '@ohif/ui-next';
import type { LoadedSeries } from '../services/ImageStackService';
import { createLabelmap, findLabelmap, thresholdIntoSegment, type HostContext } from '../segmentation/labelmap';
import { otsuThreshold } from '../segmentation/otsu';
import Histogram from './Histogram';
import { usePanelState } from './usePanelState';
import { IDS } from '../ids';

const inputClass = 'bg-background border-input w-20 rounded border px-2 py-1 text-sm';

/**
 * Whole-volume threshold: one click creates (or updates) segment 1 of our labelmap from an
 * inclusive value range, on the data's own scale.
 */
export default function ThresholdSection({ series, ctx }: { series: LoadedSeries; ctx: HostContext }) {
  const maxValue = series.stack.bitsStored === 8 ? 255 : 65535;
  const [lower, setLower] = usePanelState(series, 'thresholdLower', () => String(otsuThreshold(series.histogram)));
  const [upper, setUpper] = usePanelState(series, 'thresholdUpper', String(maxValue));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = usePanelState(series, 'thresholdMessage', '');
  const lo = Number(lower);
  const hi = Number(upper);
  const problem =
    lower.trim() === '' || upper.trim() === '' || !Number.isInteger(lo) || !Number.isInteger(hi)
      ? 'Enter whole numbers for both ends of the range'
      : lo < 0 || hi > maxValue
        ? `The range must lie within 0–${maxValue}`
        : lo > hi
          ? 'The lower value is above the upper value'
          : '';
  const voxelVolumeMl = (series.geometry.pixelSpacingXMm * series.geometry.pixelSpacingYMm * series.geometry.sliceSpacingMm) / 1000;

  const apply = async () => {
    setBusy(true);
    setMessage('Thresholding…');
    try {
      const t0 = performance.now();
      let segmentationId = findLabelmap(ctx, series);
      if (!segmentationId) {
        segmentationId = await createLabelmap(ctx, series, `Threshold ${lo}–${hi}`);
        // OHIF switches to its segmentation tab when a segmentation appears; the user is in
        // the middle of our workflow, so bring it back (OHIF's tab stays one click away).
        setTimeout(() => ctx.servicesManager.services.panelService.activatePanel(IDS.workflowPanel, true), 0);
      }
      const count = thresholdIntoSegment(ctx, series, segmentationId, { lower: lo, upper: hi, segmentIndex: 1 });
      const seconds = (performance.now() - t0) / 1000;
      setMessage(`Segment 1: ${count.toLocaleString('en')} voxels, ${(count * voxelVolumeMl).toFixed(2)} mL (${seconds.toFixed(1)} s)`);
    } catch (e) {
      setMessage(`Threshold failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PanelSection defaultOpen={true}>
      <PanelSection.Header>Threshold</PanelSection.Header>
      <PanelSection.Content>
        <div className="flex flex-col gap-2 p-3">
          <Histogram histogram={series.histogram} lower={problem ? -1 : lo} upper={problem ? -2 : hi} maxValue={maxValue} />
          <div className="flex items-center gap-2">
            <label className="flex items-center gap-1">
              From
              <input data-cy="imagestack-threshold-min" className={inputClass} type="number" min={0} max={maxValue} value={lower} onChange={e => setLower(e.target.value)} />
            </label>
            <label className="flex items-center gap-1">
              to
              <input data-cy="imagestack-threshold-max" className={inputClass} type="number" min={0} max={maxValue} value={upper} onChange={e => setUpper(e.target.value)} />
            </label>
          </div>
          <Button data-cy="imagestack-threshold-apply" disabled={busy || !!problem} onClick={apply} title={problem || 'Fill segment 1 with every voxel in the range'}>
            Threshold whole volume
          </Button>
          <div data-cy="imagestack-threshold-result" className="text-muted-foreground min-h-[1.25rem]">
            {problem || message}
          </div>
        </div>
      </PanelSection.Content>
    </PanelSection>
  );
}
