import React from 'react';
import type { CropRect, DownsampleFactor } from '@imagestack/core';
import { BAD, Field, inputClass } from './ui';
import { mib, type VolumeFit } from './volumeFit';

export type CropText = { x: string; y: string; width: string; height: string };

/** Crop (x, y, w, h in pixels of the original slices), downsample and slice order of the volume to build. */
export default function VolumeOptions({
  cropText,
  onCropText,
  onWholeSlice,
  downsample,
  onDownsample,
  reverse,
  onReverse,
  fit,
  onCrop,
  overLimits,
  onOverLimits,
}: {
  cropText: CropText;
  onCropText(key: keyof CropText, value: string): void;
  onWholeSlice(): void;
  downsample: DownsampleFactor;
  onDownsample(f: DownsampleFactor): void;
  reverse: boolean;
  onReverse(reverse: boolean): void;
  /** The planned volume against this browser's limits (volumeFit); its problems block Load until fixed or overridden. */
  fit?: VolumeFit | null;
  onCrop?(crop: CropRect): void;
  overLimits?: boolean;
  onOverLimits?(value: boolean): void;
}) {
  const tooLarge = !!fit?.problems.length;
  return (
    <div className="border-input flex flex-col gap-3 rounded border p-3 text-sm">
      <div className="text-base">Volume</div>
      <div className="flex flex-wrap items-end gap-2">
        {(['x', 'y', 'width', 'height'] as const).map(k => (
          <Field key={k} label={`Crop ${k === 'width' ? 'w' : k === 'height' ? 'h' : k}`}>
            <input
              data-cy={`imagestack-crop-${k}`}
              className={`${inputClass} w-20`}
              inputMode="numeric"
              value={cropText[k]}
              onChange={e => onCropText(k, e.target.value)}
            />
          </Field>
        ))}
        <button type="button" className="text-muted-foreground h-8 underline" onClick={onWholeSlice}>
          Whole slice
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <Field label="Downsample">
          <select
            data-cy="imagestack-downsample"
            className={inputClass}
            value={downsample}
            onChange={e => onDownsample(Number(e.target.value) as DownsampleFactor)}
          >
            <option value={1}>1 (full resolution)</option>
            <option value={2}>2 (½ in x and y)</option>
            <option value={4}>4 (¼ in x and y)</option>
          </select>
        </Field>
        <label className="flex items-center gap-2 pt-5">
          <input data-cy="imagestack-reverse" type="checkbox" checked={reverse} onChange={e => onReverse(e.target.checked)} />
          Reverse slice order
        </label>
      </div>
      {tooLarge && fit && (
        <div data-cy="imagestack-too-large" role="alert" className="flex flex-col gap-2" style={BAD}>
          <div>Too large for this browser:</div>
          <ul className="ml-4 list-disc">
            {fit.problems.map(p => (
              <li key={p.kind} data-cy={`imagestack-too-large-${p.kind}`}>
                {p.text}
              </li>
            ))}
          </ul>
          <div className="flex flex-wrap items-center gap-2">
            {fit.downsample && (
              <button type="button" data-cy="imagestack-fit-downsample" className="border-primary text-primary rounded border px-2 py-1" onClick={() => onDownsample(fit.downsample!.factor)}>
                Downsample by {fit.downsample.factor}: {fit.downsample.columns} × {fit.downsample.rows} × {fit.slices}, {mib(fit.downsample.bytes)} MiB
              </button>
            )}
            {fit.crop && onCrop && (
              <button type="button" data-cy="imagestack-fit-crop" className="border-primary text-primary rounded border px-2 py-1" onClick={() => onCrop(fit.crop!)}>
                Crop the centre to {fit.crop.width} × {fit.crop.height} px
              </button>
            )}
            {fit.tooManySlices && <span>Load fewer slices (choose a part of the files).</span>}
          </div>
          {onOverLimits && (
            <label className="flex items-center gap-2">
              <input data-cy="imagestack-load-anyway" type="checkbox" checked={!!overLimits} onChange={e => onOverLimits(e.target.checked)} />
              Load anyway (the tab may run out of memory, or the views stay black)
            </label>
          )}
        </div>
      )}
    </div>
  );
}
