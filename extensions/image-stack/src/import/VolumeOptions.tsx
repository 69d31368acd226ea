import React from 'react';
import type { DownsampleFactor } from '@imagestack/core';
import { Field, inputClass } from './ui';

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
}: {
  cropText: CropText;
  onCropText(key: keyof CropText, value: string): void;
  onWholeSlice(): void;
  downsample: DownsampleFactor;
  onDownsample(f: DownsampleFactor): void;
  reverse: boolean;
  onReverse(reverse: boolean): void;
}) {
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
    </div>
  );
}
