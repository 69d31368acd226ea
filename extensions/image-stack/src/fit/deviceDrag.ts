import type { Mesh, Point3 } from '@imagestack/core';
import { getCornerstone } from '../utils/cornerstone';
import { dragPlacement, type DragKind } from '../workflow/dragPlacement';
import type { Placement } from '../workflow/deviceFit';

/** The device being dragged: its mesh (own frame), placement (row-major 4×4) and centre (patient mm). */
export interface DraggedDevice {
  mesh: Mesh;
  transform: ArrayLike<number>;
  centreMm: Point3;
}

export interface DragHandlers {
  /** The active device now, or undefined (then a press is the camera's). */
  device(): DraggedDevice | undefined;
  /** A step of the drag, as a placement nudge (the same placeDevice command as the panel's nudges). */
  onDrag(placement: Placement): void;
  /** The drag ended: measure in full. */
  onEnd(): void;
}

const is3D = (vp: any) => vp?.type === 'volume3d';

/**
 * "Move device" in the host's 3D views: while on, a press on the device (inside its projected
 * outline's box) drags it in the plane of the screen; with Shift it turns like a trackball about
 * its centre, with Ctrl (or ⌘) it rolls about the view axis. A press elsewhere is the camera's,
 * as always. The press is taken as a pointer event in the capture phase, before the host sees
 * it (its pointerdown cancels the mouse events that would follow), and cancelled, so the camera
 * does not turn under the drag. The math is dragPlacement (tested); this is the glue.
 */
export class DeviceDrag {
  private handlers?: DragHandlers;
  private readonly attached = new Map<HTMLElement, () => void>();

  constructor(private readonly extensionManager: any) {}

  private viewports(): any[] {
    const { cornerstone } = getCornerstone(this.extensionManager);
    return (cornerstone.getRenderingEngines?.() ?? []).flatMap((re: any) => re.getViewports());
  }

  get enabled(): boolean {
    return !!this.handlers;
  }

  /** Turns the mode on (with what a drag does) or off. Returns whether it is on and how many 3D views take drags. */
  set(handlers: DragHandlers | undefined): { enabled: boolean; views: number } {
    this.handlers = handlers;
    if (!handlers) {
      for (const off of this.attached.values()) off();
      this.attached.clear();
      return { enabled: false, views: 0 };
    }
    this.attach();
    return { enabled: true, views: this.attached.size };
  }

  /** New 3D views (a layout change) take drags too. */
  attach(): void {
    if (!this.handlers) return;
    for (const vp of this.viewports()) {
      const el: HTMLElement | undefined = vp.element;
      if (!el || !is3D(vp) || this.attached.has(el)) continue;
      const down = (e: PointerEvent) => this.press(el, e);
      el.addEventListener('pointerdown', down, true);
      el.dataset.imagestackMoveDevice = 'on';
      this.attached.set(el, () => {
        el.removeEventListener('pointerdown', down, true);
        delete el.dataset.imagestackMoveDevice;
      });
    }
  }

  private press(el: HTMLElement, e: PointerEvent) {
    const h = this.handlers;
    const vp = this.viewports().find(v => v.element === el);
    const device = h?.device();
    if (!h || !vp || !device || e.button !== 0) return;
    const rect = el.getBoundingClientRect();
    const at = (ev: PointerEvent): [number, number] => [ev.clientX - rect.left, ev.clientY - rect.top];
    if (!onDevice(vp, device, at(e))) return;
    e.stopImmediatePropagation();
    e.preventDefault();
    const kind: DragKind = e.shiftKey ? 'turn' : e.ctrlKey || e.metaKey ? 'roll' : 'move';
    let last = at(e);
    const move = (ev: PointerEvent) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopImmediatePropagation();
      ev.preventDefault();
      const p = at(ev);
      const dx = p[0] - last[0], dy = p[1] - last[1];
      if (!dx && !dy) return;
      last = p;
      const current = h.device();
      const camera = vp.getCamera();
      if (!current || !camera?.viewUp || !camera?.viewPlaneNormal) return;
      h.onDrag(dragPlacement(camera, dx, dy, kind, { mmPerPixel: mmPerPixel(vp, current.centreMm, camera), centreMm: current.centreMm }));
    };
    const up = (ev: PointerEvent) => {
      if (ev.pointerId !== e.pointerId) return;
      ev.stopImmediatePropagation();
      document.removeEventListener('pointermove', move, true);
      document.removeEventListener('pointerup', up, true);
      document.removeEventListener('pointercancel', up, true);
      h.onEnd();
    };
    document.addEventListener('pointermove', move, true);
    document.addEventListener('pointerup', up, true);
    document.addEventListener('pointercancel', up, true);
  }
}

/** mm a canvas pixel spans at `pointMm`'s depth (the host's projection: parallel or perspective alike). */
function mmPerPixel(vp: any, pointMm: Point3, camera: { viewUp: Point3 }): number {
  const u = camera.viewUp;
  const l = Math.hypot(u[0], u[1], u[2]) || 1;
  const a = vp.worldToCanvas(pointMm);
  const b = vp.worldToCanvas([pointMm[0] + (10 * u[0]) / l, pointMm[1] + (10 * u[1]) / l, pointMm[2] + (10 * u[2]) / l]);
  const px = Math.hypot(b[0] - a[0], b[1] - a[1]);
  return px > 0 ? 10 / px : 1;
}

/** Whether a canvas point falls in the box of the device as projected (up to 512 of its vertices: enough for a box), padded by 6 px. */
function onDevice(vp: any, d: DraggedDevice, [x, y]: [number, number]): boolean {
  const p = d.mesh.positions;
  const t = d.transform;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const stride = 3 * Math.max(1, Math.floor(p.length / 3 / 512));
  for (let i = 0; i < p.length; i += stride) {
    const w = [
      t[0] * p[i] + t[1] * p[i + 1] + t[2] * p[i + 2] + t[3],
      t[4] * p[i] + t[5] * p[i + 1] + t[6] * p[i + 2] + t[7],
      t[8] * p[i] + t[9] * p[i + 1] + t[10] * p[i + 2] + t[11],
    ];
    const [cx, cy] = vp.worldToCanvas(w);
    if (cx < x0) x0 = cx;
    if (cx > x1) x1 = cx;
    if (cy < y0) y0 = cy;
    if (cy > y1) y1 = cy;
  }
  const pad = 6;
  return x >= x0 - pad && x <= x1 + pad && y >= y0 - pad && y <= y1 + pad;
}
