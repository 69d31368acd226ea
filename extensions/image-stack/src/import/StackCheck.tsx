import React from 'react';
import { formatBytes, type SkippedFile, type StackPlan } from '@imagestack/core';
import { valueText, type ImportSession, type OverlayFinding } from './importSession';
import { overlayHint } from './overlayHint';
import type { PreviewSlice } from './previewSlice';
import { BAD, inputClass, WARN } from './ui';
import { fitSummary, type VolumeFit, type VolumeLimits } from './volumeFit';

/** EXIF orientation 2–8: what the decoder did to turn the photo upright. */
const EXIF_ORIENTATION: Record<number, string> = {
  2: 'mirrored left–right',
  3: 'turned 180°',
  4: 'mirrored top–bottom',
  5: 'mirrored along the main diagonal',
  6: 'turned 90° clockwise',
  7: 'mirrored along the other diagonal',
  8: 'turned 90° anticlockwise',
};

function sampleKind(v: NonNullable<StackPlan['values']>): string {
  return `${v.bitDepth}-bit ${v.sampleFormat === 'float' ? 'floating-point' : v.sampleFormat === 'int' ? 'signed integer' : 'unsigned integer'} values`;
}

function stackFacts(plan: StackPlan): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    ['Slices', `${plan.slices.length}${plan.files !== plan.slices.length ? ` (from ${plan.files} files)` : ''}`],
    ['Size', `${plan.width} × ${plan.height} pixels`],
    ['Bit depth', `${plan.bitDepth}-bit grey in the viewer${plan.channels > 1 ? ` (files are ${plan.channels === 2 ? 'grey + alpha' : plan.channels === 4 ? 'RGBA' : 'RGB'})` : ''}`],
    ['Format', plan.details.join(', ') || plan.format.toUpperCase()],
    ['Volume', `${plan.columns} × ${plan.rows} × ${plan.slices.length}, ${formatBytes(plan.memoryBytes)} in memory`],
  ];
  return facts;
}

/**
 * What a user should know before loading: size, depth, format, memory, order, gaps, skipped
 * files and a coloured-overlay warning. `plan` is the volume as it will be built (crop,
 * downsample); `base` the files as they are.
 */
export default function StackCheck({
  plan,
  base,
  skipped,
  coloured,
  overlays,
  onAcceptOverlayCrop,
  values,
  valueError,
  onValueText,
  onValueDefault,
  fit,
  limits,
}: {
  plan: StackPlan;
  base: StackPlan;
  skipped: SkippedFile[];
  coloured: PreviewSlice[];
  overlays?: OverlayFinding;
  onAcceptOverlayCrop?(): void;
  /** Real-valued slices: the measured sample and the window as typed. */
  values?: ImportSession['values'];
  valueError?: string;
  onValueText?(key: 'low' | 'high', value: string): void;
  onValueDefault?(): void;
  fit?: VolumeFit | null;
  limits?: VolumeLimits;
}) {
  const measured = values?.measured;
  const isDefault = !!measured && values!.low === valueText(measured.low) && values!.high === valueText(measured.high);
  const reverse = base.reverse;
  const filled = plan.slices.filter(s => s.fill);
  const hint = overlayHint(overlays, plan.crop);
  const accepted = overlays?.crop && plan.crop.x === overlays.crop.x && plan.crop.y === overlays.crop.y && plan.crop.width === overlays.crop.width && plan.crop.height === overlays.crop.height;
  return (
    <div data-cy="imagestack-stack-check" className="border-input rounded border p-3 text-sm">
      <div className="mb-2 text-base">Stack check</div>
      <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 16, rowGap: 4 }}>
        {stackFacts(plan).map(([k, v]) => (
          <React.Fragment key={k}>
            <dt className="text-muted-foreground">{k}</dt>
            <dd data-cy={`imagestack-check-${k.toLowerCase().replace(/\s+/g, '-')}`}>{v}</dd>
          </React.Fragment>
        ))}
        {fit && limits && (
          <>
            <dt className="text-muted-foreground">Fits</dt>
            <dd data-cy="imagestack-check-fits" style={fit.problems.length ? BAD : undefined}>
              {fit.problems.length ? `no: ${fit.problems.map(p => p.text).join('; ')}` : `yes: ${fitSummary(fit, limits)}`}
            </dd>
          </>
        )}
        <dt className="text-muted-foreground">Order</dt>
        <dd data-cy="imagestack-check-order" className="truncate" title={base.slices.map(s => s.name).join(', ')}>
          {base.slices[0].name} … {base.slices.at(-1)!.name}
          {reverse ? ' (reversed)' : ' (natural sort)'}
        </dd>
        {base.folders.length > 1 && (
          <>
            <dt className="text-muted-foreground">Folders</dt>
            <dd data-cy="imagestack-check-folders" style={WARN} title={base.folders.join('\n')}>
              {base.folders.length} mixed ({base.folders.slice(0, 3).map(f => f || '(top)').join(', ')}
              {base.folders.length > 3 ? ', …' : ''}): sorted folder by folder; check they are one series
            </dd>
          </>
        )}
        <dt className="text-muted-foreground">Gaps</dt>
        <dd data-cy="imagestack-check-gaps" style={base.gaps.length ? WARN : undefined}>
          {base.gaps.length
            ? base.gaps
                .slice(0, 3)
                .map(g => `${g.missingCount} missing between ${g.after} and ${g.before}`)
                .join('; ') + (base.gaps.length > 3 ? ` … (${base.gaps.length})` : '')
            : 'none in the numbering'}
          {filled.length > 0 && (
            <div data-cy="imagestack-check-filled" title={filled.map(f => f.name).join('\n')}>
              filled (interpolated): {filled.slice(0, 3).map(f => f.name).join(', ')}
              {filled.length > 3 ? ` … (${filled.length})` : ''}
            </div>
          )}
          {base.gaps.length > 0 && plan.gapPolicy === 'continuous' && <div data-cy="imagestack-check-continuous">stacked as continuous: the slices after a gap move up</div>}
        </dd>
        <dt className="text-muted-foreground">Overlays</dt>
        <dd data-cy="imagestack-check-overlays" style={hint && !hint.cropped ? WARN : undefined}>
          {!overlays
            ? base.slices.length < 2
              ? 'one slice: nothing to compare'
              : 'checking a few slices…'
            : overlays.fraction > 0
              ? `burned-in text, rulers or lines on ${(overlays.fraction * 100).toFixed(1)} % of the slice (tinted on the preview; ${overlays.sampled} slices compared)`
              : `none found (${overlays.sampled} slices compared)`}
        </dd>
        {plan.values && (
          <>
            <dt className="text-muted-foreground">Values</dt>
            <dd data-cy="imagestack-check-values">
              {sampleKind(plan.values)}
              {measured
                ? `: ${valueText(measured.min ?? measured.low)} to ${valueText(measured.max ?? measured.high)} in ${measured.sampled?.length ?? 0} sampled slice${measured.sampled?.length === 1 ? '' : 's'}` +
                  (measured.nonFinite ? ` (${measured.nonFinite} not finite: NaN or infinite, shown black)` : '')
                : ': measuring a few slices…'}
            </dd>
            <dt className="text-muted-foreground">Grey levels</dt>
            <dd data-cy="imagestack-check-grey-levels">
              {measured && (
                <div className="flex flex-wrap items-center gap-2">
                  <label>
                    black at{' '}
                    <input data-cy="imagestack-value-low" className={inputClass} style={{ width: '8em' }} inputMode="decimal" value={values!.low} onChange={e => onValueText?.('low', e.target.value)} />
                  </label>
                  <label>
                    white at{' '}
                    <input data-cy="imagestack-value-high" className={inputClass} style={{ width: '8em' }} inputMode="decimal" value={values!.high} onChange={e => onValueText?.('high', e.target.value)} />
                  </label>
                  {isDefault ? (
                    <span className="text-muted-foreground" data-cy="imagestack-value-source">
                      (the {measured.percentiles?.[0] ?? 0.1}–{measured.percentiles?.[1] ?? 99.9} percentiles of the sample)
                    </span>
                  ) : (
                    <button type="button" data-cy="imagestack-value-default" className="border-primary text-primary rounded border px-2 py-1" onClick={onValueDefault}>
                      Use the {measured.percentiles?.[0] ?? 0.1}–{measured.percentiles?.[1] ?? 99.9} percentiles
                    </button>
                  )}
                </div>
              )}
              {valueError ? (
                <div style={WARN} data-cy="imagestack-value-error">
                  {valueError}
                </div>
              ) : (
                plan.rescale && (
                  <div data-cy="imagestack-value-mapping">
                    {valueText(plan.rescale.intercept)} to {valueText(plan.rescale.intercept + 65535 * plan.rescale.slope)} → the viewer&apos;s grey levels 0 to 65535 (values outside are clipped);
                    DICOM export keeps the source&apos;s values: RescaleSlope {valueText(plan.rescale.slope)}, RescaleIntercept {valueText(plan.rescale.intercept)}
                  </div>
                )
              )}
            </dd>
          </>
        )}
        {plan.orientations.length > 0 && (
          <>
            <dt className="text-muted-foreground">Orientation</dt>
            <dd data-cy="imagestack-check-orientation" title={plan.orientations.map(o => `${o.file}: EXIF orientation ${o.orientation}`).join('\n')}>
              EXIF orientation applied:{' '}
              {plan.orientations
                .slice(0, 3)
                .map(o => `${o.file} (${o.orientation}: ${EXIF_ORIENTATION[o.orientation] ?? 'unknown'})`)
                .join(', ')}
              {plan.orientations.length > 3 ? `, … ${plan.orientations.length} files in all` : ''}
            </dd>
          </>
        )}
        {plan.warnings.length > 0 && (
          <>
            <dt className="text-muted-foreground">Header oddities</dt>
            <dd data-cy="imagestack-check-warnings" style={WARN} title={plan.warnings.map(w => `${w.file}: ${w.message}`).join('\n')}>
              tolerated: {plan.warnings.slice(0, 3).map(w => `${w.file}: ${w.message}`).join('; ')}
              {plan.warnings.length > 3 ? `; … ${plan.warnings.length} in all` : ''}
            </dd>
          </>
        )}
        <dt className="text-muted-foreground">Duplicates</dt>
        <dd className="text-muted-foreground">checked while loading (identical slices are reported)</dd>
        <dt className="text-muted-foreground">Skipped</dt>
        <dd data-cy="imagestack-check-skipped" title={skipped.map(s => `${s.name}: ${s.reason}`).join('\n')}>
          {skipped.length ? skipped.slice(0, 4).map(s => `${s.name} (${s.reason})`).join(', ') + (skipped.length > 4 ? `, … ${skipped.length} in all` : '') : 'none'}
        </dd>
      </dl>
      {hint && (
        <div data-cy="imagestack-overlay-hint" data-cropped={hint.cropped} className="mt-2" style={hint.cropped ? undefined : WARN} aria-live="polite">
          {hint.text}
        </div>
      )}
      {overlays?.crop && (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <span data-cy="imagestack-overlay-crop">
            Proposed crop without them: x {overlays.crop.x}, y {overlays.crop.y}, {overlays.crop.width} × {overlays.crop.height} px
          </span>
          {accepted ? (
            <span className="text-muted-foreground" data-cy="imagestack-overlay-crop-accepted">
              (in use; edit it in the crop fields)
            </span>
          ) : (
            <button type="button" data-cy="imagestack-accept-overlay-crop" className="border-primary text-primary rounded border px-2 py-1" onClick={onAcceptOverlayCrop}>
              Use this crop
            </button>
          )}
        </div>
      )}
      {coloured.length > 0 && (
        <div data-cy="imagestack-coloured-warning" className="mt-2" style={WARN}>
          Coloured pixels in {coloured.map(c => c.name).join(' and ')} (
          {((coloured[0].colouredPixels / (coloured[0].width * coloured[0].height)) * 100).toFixed(2)} %): overlays or annotations will be
          converted to grey and may be segmented with the anatomy. Crop them away if you can.
        </div>
      )}
    </div>
  );
}
