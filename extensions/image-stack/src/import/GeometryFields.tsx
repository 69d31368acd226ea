import React from 'react';
import type { OrientationPresetName } from '@imagestack/core';
import { formatSizeMm, type GeometryFormState, type GeometryFormValues } from './geometryForm';
import { Field, inputClass } from './ui';

/**
 * Pixel spacing x and y, slice spacing, origin and orientation of the original slices, with
 * the physical size of the volume updating as they are typed. Empty spacings show "unknown":
 * there is no default.
 */
export default function GeometryFields({
  form,
  onChange,
  state,
}: {
  form: GeometryFormValues;
  onChange(form: GeometryFormValues): void;
  state: GeometryFormState;
}) {
  const geometry = state;
  const setForm = onChange;
  return (
    <div className="border-input flex flex-col gap-3 rounded border p-3 text-sm" data-cy="imagestack-geometry-form">
      <div className="text-base">Geometry (of the original pixels)</div>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 8 }}>
        {(
          [
            ['spacingX', 'Pixel spacing x (mm)', 'imagestack-spacing-x'],
            ['spacingY', 'Pixel spacing y (mm)', 'imagestack-spacing-y'],
            ['sliceSpacing', 'Slice spacing (mm)', 'imagestack-slice-spacing'],
          ] as const
        ).map(([k, label, cy]) => (
          <Field key={k} label={label} error={geometry.fieldErrors[k]}>
            <input
              data-cy={cy}
              className={`${inputClass} w-full`}
              inputMode="decimal"
              placeholder="unknown"
              value={form[k]}
              onChange={e => setForm({ ...form, [k]: e.target.value })}
            />
          </Field>
        ))}
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '2fr 1fr', gap: 8 }}>
        <div>
          <Field label="Origin x, y, z (mm, LPS)" error={geometry.fieldErrors.origin}>
            <input
              data-cy="imagestack-origin"
              className={`${inputClass} w-full`}
              placeholder="0, 0, 0"
              value={form.origin}
              onChange={e => setForm({ ...form, origin: e.target.value })}
            />
          </Field>
        </div>
        <Field label="Orientation">
          <select
            data-cy="imagestack-orientation"
            className={inputClass}
            value={form.orientation}
            onChange={e => setForm({ ...form, orientation: e.target.value as OrientationPresetName })}
          >
            <option value="axial">axial</option>
            <option value="coronal">coronal</option>
            <option value="sagittal">sagittal</option>
          </select>
        </Field>
      </div>
      <div>
        <span className="text-muted-foreground">Physical size (W × H × D): </span>
        <span data-cy="imagestack-physical-size">{formatSizeMm(geometry.sizeMm)}</span>
      </div>
    </div>
  );
}
