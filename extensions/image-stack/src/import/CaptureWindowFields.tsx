import React from 'react';
import { NAMED_CAPTURE_WINDOWS, type CaptureWindowName } from '@imagestack/core';
import { captureWindowOf, type CaptureWindowText } from './importSession';
import { BAD, Field, inputClass } from './ui';

/**
 * The optional window the screen captures were taken with ("W 1500 L 300" or "bone window" in
 * the burned-in text): with it, thresholds and histograms read in approximate HU and the
 * exported DICOM says HU; without it everything stays in grey levels.
 */
export default function CaptureWindowFields({
  value,
  onChoice,
  onText,
}: {
  value: CaptureWindowText;
  onChoice(choice: CaptureWindowText['choice']): void;
  onText(key: 'level' | 'width', text: string): void;
}) {
  const checked = captureWindowOf(value);
  const names = Object.keys(NAMED_CAPTURE_WINDOWS) as CaptureWindowName[];
  return (
    <div data-cy="imagestack-capture-window-fields" className="border-input flex flex-col gap-2 rounded border p-3 text-sm">
      <div className="text-base">Capture window (optional)</div>
      <div className="text-muted-foreground text-xs" style={{ maxWidth: 520 }}>
        The display window the captures were taken with, often burned into them ("W 1500 L 300", "bone"). With it, thresholds read in approximate
        HU; without it, in grey levels.
      </div>
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Window">
          <select data-cy="imagestack-capture-window" className={inputClass} value={value.choice} onChange={e => onChoice(e.target.value as CaptureWindowText['choice'])}>
            <option value="none">none (grey levels)</option>
            {names.map(n => (
              <option key={n} value={n}>
                {n} (L {NAMED_CAPTURE_WINDOWS[n].level}, W {NAMED_CAPTURE_WINDOWS[n].width})
              </option>
            ))}
            <option value="custom">level and width…</option>
          </select>
        </Field>
        {value.choice !== 'none' && (
          <>
            <Field label="Level (HU)">
              <input data-cy="imagestack-capture-level" className={`${inputClass} w-20`} inputMode="decimal" value={value.level} onChange={e => onText('level', e.target.value)} />
            </Field>
            <Field label="Width (HU)">
              <input data-cy="imagestack-capture-width" className={`${inputClass} w-20`} inputMode="decimal" value={value.width} onChange={e => onText('width', e.target.value)} />
            </Field>
          </>
        )}
      </div>
      {(checked.problem || checked.explains) && (
        <div data-cy="imagestack-capture-window-line" aria-live="polite" className={`text-xs ${checked.problem ? '' : 'text-muted-foreground'}`} style={checked.problem ? BAD : { maxWidth: 520 }}>
          {checked.problem ?? checked.explains}
        </div>
      )}
    </div>
  );
}
