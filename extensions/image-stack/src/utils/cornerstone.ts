import { OHIF_IDS } from '../ids';

/**
 * The host's Cornerstone3D libraries. We never bundle a copy: two copies would hold two
 * caches, two metadata registries and two rendering engines.
 */
export function getCornerstone(extensionManager: any): { cornerstone: any; cornerstoneTools: any } {
  const entry = extensionManager.getModuleEntry(OHIF_IDS.cornerstoneUtility);
  if (!entry) throw new Error(`ImageStack needs ${OHIF_IDS.cornerstoneUtility} from the host viewer`);
  return entry.exports.getCornerstoneLibraries();
}
