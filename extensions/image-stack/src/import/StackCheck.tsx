import React from 'react';
import { formatBytes, type SkippedFile, type StackPlan } from '@imagestack/core';
import type { OverlayFinding } from './importSession';
import { overlayHint } from './overlayHint';
import type { PreviewSlice } from './previewSlice';
import { WARN } from './ui';

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
}: {
  plan: StackPlan;
  base: StackPlan;
  skipped: SkippedFile[];
  coloured: PreviewSlice[];
  overlays?: OverlayFinding;
  onAcceptOverlayCrop?(): void;
}) {
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
