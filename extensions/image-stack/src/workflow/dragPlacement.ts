import type { Point3 } from '@imagestack/core';
import type { Placement } from './deviceFit';

/** What a drag needs of a 3D view's camera (Cornerstone's ICamera fields, patient mm, LPS). */
export interface DragCamera {
  /** Screen up, in patient axes. */
  viewUp: Point3;
  /** From the focal point towards the camera (out of the screen). */
  viewPlaneNormal: Point3;
}

/** How a drag moves the device: in the view plane, turned like a trackball, or rolled about the view axis. */
export type DragKind = 'move' | 'turn' | 'roll';

const unit = (v: Point3): Point3 => {
  const l = Math.hypot(v[0], v[1], v[2]);
  return l > 0 ? [v[0] / l, v[1] / l, v[2] / l] : [0, 0, 0];
};
const cross = (a: Point3, b: Point3): Point3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/**
 * A drag on the 3D view as a placement nudge (fitPlaceDevice's `translateMm` / `rotate`).
 * `dxPx`, `dyPx`: the pointer's move in canvas pixels (x right, y down). 'move': the device
 * follows the pointer in the plane of the screen, `mmPerPixel` at the device's depth. 'turn':
 * as a trackball, about the screen axis perpendicular to the drag through `centreMm` (the
 * device's front follows the pointer), `degPerPixel` a pixel. 'roll': about the view axis,
 * by the horizontal move (right turns clockwise on screen). A zero move gives a zero nudge.
 */
export function dragPlacement(
  camera: DragCamera,
  dxPx: number,
  dyPx: number,
  kind: DragKind,
  { mmPerPixel = 1, degPerPixel = 0.5, centreMm }: { mmPerPixel?: number; degPerPixel?: number; centreMm?: Point3 } = {},
): Placement {
  const up = unit(camera.viewUp);
  const out = unit(camera.viewPlaneNormal);
  // screen right: up × out (right-handed: right, up, out)
  const right = cross(up, out);
  // the pointer's move in patient axes (canvas y grows downwards)
  const m: Point3 = [0, 1, 2].map(k => dxPx * right[k] - dyPx * up[k]) as Point3;
  if (kind === 'move') return { translateMm: m.map(v => v * mmPerPixel) as Point3 };
  if (kind === 'roll') return { rotate: { axis: out, deg: -dxPx * degPerPixel, centreMm } };
  const px = Math.hypot(dxPx, dyPx);
  if (!(px > 0)) return { rotate: { axis: up, deg: 0, centreMm } };
  // about out × m: the point nearest the viewer moves along m
  return { rotate: { axis: unit(cross(out, m)), deg: px * degPerPixel, centreMm } };
}
