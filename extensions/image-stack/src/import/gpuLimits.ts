import { memoryBudget, type VolumeLimits } from './volumeFit';

let asked: VolumeLimits | undefined;

/**
 * This browser's limits for a volume, asked once per page: WebGL2's MAX_3D_TEXTURE_SIZE (from a
 * throw-away context, released at once) and the memory budget from navigator.deviceMemory.
 * Without WebGL2 the texture limit is left unknown (the viewer will say it cannot render).
 */
export function browserVolumeLimits(): VolumeLimits {
  if (asked) return asked;
  let max3DTextureSize: number | undefined;
  try {
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (gl) {
      const v = Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE));
      if (v > 0) max3DTextureSize = v;
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // no WebGL2 here: not checked
  }
  const deviceMemory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  asked = { max3DTextureSize, ...memoryBudget(deviceMemory) };
  return asked;
}
