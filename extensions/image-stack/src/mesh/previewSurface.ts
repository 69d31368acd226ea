import { getCornerstone } from '../utils/cornerstone';

const PREVIEW_ACTOR_UID = 'imagestack-surface-preview';

/**
 * Shows an exported STL in every 3D viewport, through the host's own mesh loader (the bytes
 * the user downloaded, not a re-derived surface), in place of the volume rendering and of
 * the previous preview. Returns the
 * number of 3D viewports that show it: 0 when no 3D view is open (the layout menu offers one).
 */
export async function previewSurfaceIn3D(extensionManager: any, stl: Uint8Array, name: string): Promise<number> {
  const { cornerstone } = getCornerstone(extensionManager);
  const viewports = (cornerstone.getRenderingEngines?.() ?? []).flatMap((re: any) => re.getViewports()).filter((v: any) => v.type === 'volume3d');
  if (!viewports.length) return 0;
  const url = URL.createObjectURL(new Blob([stl as BlobPart], { type: 'model/stl' }));
  try {
    const geometryId = `mesh:${url}`;
    // the loader fetches the bytes from the blob URL and builds the host's own vtk actor
    const geometry = await cornerstone.geometryLoader.loadAndCacheGeometry(geometryId, {
      type: cornerstone.Enums.GeometryType.MESH,
      geometryData: { id: name, format: cornerstone.Enums.MeshType.STL, color: [230, 220, 200] },
    });
    const actor = geometry?.data?.defaultActor;
    if (!actor) throw new Error('the host built no actor from the STL');
    for (const vp of viewports) {
      vp.removeActors?.([PREVIEW_ACTOR_UID]);
      // the volume rendering would hide the surface: the preview takes its place in this view
      // (devices being fitted stay: they are checked against this very surface)
      for (const entry of vp.getActors()) if (!String(entry.uid ?? '').startsWith('imagestack-fit-')) entry.actor?.setVisibility?.(false);
      vp.addActor({ uid: PREVIEW_ACTOR_UID, actor, referencedId: geometryId });
      vp.resetCamera?.();
      vp.render();
    }
    return viewports.length;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Shows or hides the surface preview in every 3D viewport (the segment's visibility). */
export function setPreviewVisible(extensionManager: any, visible: boolean): void {
  const { cornerstone } = getCornerstone(extensionManager);
  for (const vp of (cornerstone.getRenderingEngines?.() ?? []).flatMap((re: any) => re.getViewports()).filter((v: any) => v.type === 'volume3d')) {
    const entry = vp.getActors().find((a: any) => a.uid === PREVIEW_ACTOR_UID);
    if (!entry || entry.actor.getVisibility?.() === visible) continue;
    entry.actor.setVisibility(visible);
    vp.render();
  }
}
