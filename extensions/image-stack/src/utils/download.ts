/** Hands bytes to the browser as a download named `fileName`. */
export function downloadBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the download has started by the next tick; keep the URL a little longer for slow starts
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** A file-system-safe name from a description. */
export function safeFileName(text: string, fallback = 'imagestack'): string {
  const s = text.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);
  return s || fallback;
}
