import React from 'react';

/** Colours and grids the host's Tailwind build does not include (it ships only the classes OHIF uses). */
export const WARN = { color: '#facc15' };
export const BAD = { color: '#f87171' };
export const inputClass =
  'border-input bg-background text-foreground h-8 rounded border px-2 text-sm outline-none focus:border-primary';

/** A labelled form control, with the reason its value cannot be used under it. */
export function Field({ label, children, error }: { label: string; children: React.ReactNode; error?: string }) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="text-muted-foreground">{label}</span>
      {children}
      {error && (
        <span className="text-xs" style={BAD}>
          {error}
        </span>
      )}
    </label>
  );
}
