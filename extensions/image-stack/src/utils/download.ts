/** Starts a browser download of `blob` as `fileName`. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoking at once can cut the download short in some browsers
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Hands bytes or text to the browser as a download named `fileName`. */
export function downloadBytes(bytes: Uint8Array | string, fileName: string, type: string): void {
  downloadBlob(new Blob([bytes as BlobPart], { type }), fileName);
}

/**
 * A file name from the user's words (a series description, a segment label): what file
 * systems refuse is replaced by spaces, at most 80 characters, then `suffix`.
 */
export function fileNameFrom(text: string, suffix: string, fallback = 'imagestack-series'): string {
  const base = text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80).trim() || fallback;
  return `${base}${suffix}`;
}
