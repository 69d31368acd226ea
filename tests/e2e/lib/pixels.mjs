// Reads what a viewport really drew: the canvas pixels, so a test can tell rendered anatomy
// from a black or blank viewport.
/** Statistics of the grey levels of a viewport's canvas: { mean, std, nonBlackFraction }. */
export async function canvasStats(page, viewportId) {
  return page.evaluate(id => {
    const re = window.cornerstone.getRenderingEngines()[0];
    const vp = re.getViewport(id);
    const canvas = vp.getCanvas();
    const c = document.createElement('canvas');
    c.width = canvas.width;
    c.height = canvas.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let sum = 0;
    let sum2 = 0;
    let nonBlack = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const g = (data[i] + data[i + 1] + data[i + 2]) / 3;
      sum += g;
      sum2 += g * g;
      if (g > 10) nonBlack++;
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), nonBlackFraction: nonBlack / n, width: c.width, height: c.height };
  }, viewportId);
}
