import { deviceContourOnPlane, writeStlBinary, type Mesh, type Point3 } from '@imagestack/core';
import { getCornerstone } from '../utils/cornerstone';
import { cornerColours } from './distanceColour';

/** A device as shown: its mesh in its own frame and its placement (row-major 4×4, mm). */
export interface ShownDevice {
  id: string;
  mesh: Mesh;
  transform: ArrayLike<number>;
  active: boolean;
  /** Signed distance per device vertex at this placement (mm, + clear): colours the 3D actor. */
  vertexDistanceMm?: Float32Array;
}

const CONTOUR_CY = 'imagestack-fit-contour';
const ACTIVE_COLOUR = '#38bdf8';
const OTHER_COLOUR = '#a3a3a3';
const MARKER_COLOUR = '#f97316';
/** The closest-point marker is drawn solid on slices within this of it, dashed (projected) beyond. */
const MARKER_NEAR_MM = 1.5;

/** vtk.js keeps matrices column-major (gl-matrix): the transpose of our row-major 4×4. */
export function columnMajor(t: ArrayLike<number>): Float64Array {
  const m = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) m[4 * j + i] = t[4 * i + j];
  return m;
}

const is3D = (vp: any) => vp?.type === 'volume3d';

/**
 * Shows the devices in the host's viewports: in each 2D view (stack, MPR) the placed device's
 * cross-section with the view's plane, drawn on an overlay canvas redrawn on every render and
 * camera change; in each 3D view an actor from the host's own mesh loader (no second vtk.js),
 * moved by its user matrix. A marker shows where the clearance is smallest. One per viewer tab.
 */
export class DeviceDisplay {
  private devices: ShownDevice[] = [];
  private marker?: Point3;
  private readonly overlays = new Map<HTMLElement, { canvas: HTMLCanvasElement; off: () => void }>();
  /** 3D actors by device id: the actor, and the viewports it was added to. */
  private readonly actors = new Map<string, { actor: any; mesh: Mesh; viewports: Set<string>; colouredBy?: Float32Array }>();
  private loading = new Map<string, Promise<any>>();
  private listening = false;

  constructor(private readonly extensionManager: any) {}

  private cs() {
    return getCornerstone(this.extensionManager);
  }

  private viewports(): any[] {
    const { cornerstone } = this.cs();
    return (cornerstone.getRenderingEngines?.() ?? []).flatMap((re: any) => re.getViewports());
  }

  /** Shows these devices (and the marker) everywhere, in place of what was shown. */
  show(devices: ShownDevice[], marker?: Point3): void {
    this.devices = devices;
    this.marker = marker;
    this.listen();
    this.attachOverlays();
    for (const el of this.overlays.keys()) this.draw(el);
    void this.update3D().catch(e => console.warn('[imagestack] device in 3D failed', e));
  }

  /** New viewports (a layout change) get the overlay and the actors too. */
  private listen() {
    if (this.listening) return;
    const { cornerstone } = this.cs();
    const E = cornerstone.Enums.Events;
    const refresh = () => {
      this.attachOverlays();
      for (const el of this.overlays.keys()) this.draw(el);
      void this.update3D().catch(() => undefined);
    };
    cornerstone.eventTarget.addEventListener(E.ELEMENT_ENABLED, refresh);
    cornerstone.eventTarget.addEventListener(E.ELEMENT_DISABLED, (e: any) => {
      const el = e.detail?.element;
      const o = el && this.overlays.get(el);
      if (o) {
        o.off();
        o.canvas.remove();
        this.overlays.delete(el);
      }
    });
    this.listening = true;
  }

  private attachOverlays() {
    const { cornerstone } = this.cs();
    const E = cornerstone.Enums.Events;
    for (const vp of this.viewports()) {
      const el: HTMLElement | undefined = vp.element;
      if (!el || is3D(vp) || this.overlays.has(el)) continue;
      const canvas = document.createElement('canvas');
      canvas.dataset.cy = CONTOUR_CY;
      canvas.dataset.viewportId = vp.id;
      canvas.dataset.segments = '0';
      Object.assign(canvas.style, { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: '5' });
      el.appendChild(canvas);
      const redraw = () => this.draw(el);
      el.addEventListener(E.IMAGE_RENDERED, redraw);
      el.addEventListener(E.CAMERA_MODIFIED, redraw);
      this.overlays.set(el, {
        canvas,
        off: () => {
          el.removeEventListener(E.IMAGE_RENDERED, redraw);
          el.removeEventListener(E.CAMERA_MODIFIED, redraw);
        },
      });
    }
  }

  private viewportOf(el: HTMLElement): any {
    return this.viewports().find(vp => vp.element === el);
  }

  /** Draws the devices' cross-sections with this view's plane; records how many segments were drawn. */
  private draw(el: HTMLElement) {
    const o = this.overlays.get(el);
    const vp = o && this.viewportOf(el);
    if (!o || !vp) return;
    const { canvas } = o;
    const dpr = window.devicePixelRatio || 1;
    const w = el.clientWidth;
    const h = el.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const camera = vp.getCamera?.();
    if (!camera?.focalPoint || !camera?.viewPlaneNormal) return;
    const plane = { originMm: camera.focalPoint as Point3, normal: camera.viewPlaneNormal as Point3 };
    let segments = 0;
    ctx.lineWidth = 2;
    for (const d of this.devices) {
      ctx.strokeStyle = d.active ? ACTIVE_COLOUR : OTHER_COLOUR;
      for (const loop of deviceContourOnPlane(d.mesh, d.transform, plane)) {
        const p = loop.pointsMm;
        const n = p.length / 3;
        if (n < 2) continue;
        ctx.beginPath();
        for (let i = 0; i < n; i++) {
          const [x, y] = vp.worldToCanvas([p[3 * i], p[3 * i + 1], p[3 * i + 2]]);
          if (i === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        }
        if (loop.closed) ctx.closePath();
        ctx.stroke();
        segments += n - 1 + (loop.closed ? 1 : 0);
      }
    }
    canvas.dataset.segments = String(segments);
    const m = this.marker;
    if (m) {
      const nl = Math.hypot(...plane.normal) || 1;
      const off = Math.abs((m[0] - plane.originMm[0]) * plane.normal[0] + (m[1] - plane.originMm[1]) * plane.normal[1] + (m[2] - plane.originMm[2]) * plane.normal[2]) / nl;
      const [x, y] = vp.worldToCanvas(m);
      ctx.strokeStyle = MARKER_COLOUR;
      ctx.setLineDash(off <= MARKER_NEAR_MM ? [] : [3, 3]);
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.moveTo(x - 10, y);
      ctx.lineTo(x + 10, y);
      ctx.moveTo(x, y - 10);
      ctx.lineTo(x, y + 10);
      ctx.stroke();
      ctx.setLineDash([]);
      canvas.dataset.marker = off <= MARKER_NEAR_MM ? 'on-slice' : 'projected';
    } else delete canvas.dataset.marker;
  }

  /** Loads a device's surface through the host's mesh loader: binary STL in its own frame, from a blob URL. */
  private loadActor(d: ShownDevice): Promise<any> {
    const { cornerstone } = this.cs();
    const url = URL.createObjectURL(new Blob([writeStlBinary(d.mesh) as BlobPart], { type: 'model/stl' }));
    const geometryId = `mesh:${url}`;
    return cornerstone.geometryLoader
      .loadAndCacheGeometry(geometryId, {
        type: cornerstone.Enums.GeometryType.MESH,
        geometryData: { id: d.id, format: cornerstone.Enums.MeshType.STL, color: [56, 189, 248] },
      })
      .then((geometry: any) => {
        const actor = geometry?.data?.defaultActor;
        if (!actor) throw new Error('the host built no actor from the device STL');
        return actor;
      })
      .finally(() => URL.revokeObjectURL(url));
  }

  private async update3D() {
    const views = this.viewports().filter(is3D);
    const wanted = new Set(this.devices.map(d => d.id));
    // devices gone (or replaced by another mesh under the same id): out of every 3D view
    for (const [id, a] of this.actors) {
      const d = this.devices.find(x => x.id === id);
      if (d && d.mesh === a.mesh) continue;
      for (const vp of views) if (a.viewports.has(vp.id)) vp.removeActors?.([actorUid(id)]);
      this.actors.delete(id);
    }
    if (!views.length) return;
    for (const d of this.devices) {
      let a = this.actors.get(d.id);
      if (!a) {
        let p = this.loading.get(d.id);
        if (!p) {
          p = this.loadActor(d);
          this.loading.set(d.id, p);
        }
        const actor = await p.finally(() => this.loading.delete(d.id));
        if (!wanted.has(d.id) || this.actors.has(d.id)) continue;
        a = { actor, mesh: d.mesh, viewports: new Set() };
        this.actors.set(d.id, a);
      }
      a.actor.setUserMatrix(columnMajor(d.transform));
      if (d.vertexDistanceMm !== a.colouredBy) {
        colourActor(a.actor, d.mesh, d.vertexDistanceMm);
        a.colouredBy = d.vertexDistanceMm;
      }
      a.actor.getProperty?.().setOpacity?.(d.active ? 1 : 0.5);
      for (const vp of views) {
        if (!a.viewports.has(vp.id)) {
          vp.addActor({ uid: actorUid(d.id), actor: a.actor });
          a.viewports.add(vp.id);
        }
      }
    }
    for (const vp of views) vp.render();
  }

  /**
   * Moves every 2D view so that it shows `pointMm` at its centre, on the slice through it (the
   * camera's focal point there, its direction kept). Returns how many views moved.
   */
  jumpTo(pointMm: Point3): number {
    let moved = 0;
    for (const vp of this.viewports()) {
      if (is3D(vp) || !vp.getCamera || !vp.setCamera) continue;
      const c = vp.getCamera();
      if (!c?.focalPoint || !c?.position) continue;
      const d = [pointMm[0] - c.focalPoint[0], pointMm[1] - c.focalPoint[1], pointMm[2] - c.focalPoint[2]];
      vp.setCamera({ focalPoint: [...pointMm], position: [c.position[0] + d[0], c.position[1] + d[1], c.position[2] + d[2]] });
      vp.render();
      moved++;
    }
    return moved;
  }

  /**
   * PNG snapshots (data URLs) of the views as drawn, overlays included: `kind` '2d' for the
   * first 2D view (the axial one in MPR), '3d' for the first 3D view. undefined when there is none.
   */
  snapshot(kind: '2d' | '3d'): string | undefined {
    const vp = this.viewports().find(v => (kind === '3d' ? is3D(v) : !is3D(v)));
    const src: HTMLCanvasElement | undefined = vp?.canvas ?? vp?.getCanvas?.();
    if (!vp || !src?.width) return undefined;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d')!;
    ctx.drawImage(src, 0, 0);
    const overlay = this.overlays.get(vp.element)?.canvas;
    if (overlay?.width) ctx.drawImage(overlay, 0, 0, out.width, out.height);
    return out.toDataURL('image/png');
  }

  /** Takes everything off the views (a new series was loaded). */
  clear(): void {
    this.show([]);
  }
}

const actorUid = (deviceId: string) => `imagestack-fit-${deviceId}`;

/**
 * Colours the actor's points by signed distance (or takes the colours off), through the host's
 * own vtk objects: a new data array is cloned from the polydata's points array (vtkDataArray
 * newClone), so no second vtk.js is needed. Only for an unwelded STL (3 points a triangle in the
 * triangles' order, as the host's reader leaves them); otherwise the actor keeps its colour.
 */
function colourActor(actor: any, mesh: Mesh, vertexMm: Float32Array | undefined): void {
  const mapper = actor.getMapper?.();
  const polydata = mapper?.getInputData?.();
  const points = polydata?.getPoints?.();
  if (!points?.newClone || points.getNumberOfPoints() !== mesh.triangles.length) return;
  const pointData = polydata.getPointData();
  if (!vertexMm) {
    mapper.setScalarVisibility(false);
  } else {
    const scalars = points.newClone();
    scalars.setName('imagestack-fit-distance');
    scalars.setData(cornerColours(mesh.triangles, vertexMm), 3);
    pointData.setScalars(scalars);
    mapper.setColorModeToDirectScalars?.();
    mapper.setScalarModeToUsePointData?.();
    mapper.setScalarVisibility(true);
  }
  polydata.modified();
}
