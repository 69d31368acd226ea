import OHIF, { DicomMetadataStore, IWebApiDataSource } from '@ohif/core';
import { IMAGE_LOADER_SCHEME, SERVICE_NAME } from '../ids';
import { registerImageStackLoader } from '../imageLoader';
import { getCornerstone } from '../utils/cornerstone';
import { LOST_STACK_PATH, replaceWith } from '../utils/navigate';
import type { ImageStackService } from '../services/ImageStackService';

/**
 * The `imagestack` data source: studies are the stacks loaded in this tab (ImageStackService),
 * served with the same shape as OHIF's own local sources (IWebApiDataSource.create). Reading
 * is all it does: saving goes through our DICOM export and STOW-RS, not this source.
 */
export function createImageStackDataSource(configuration: any, servicesManager: any, extensionManager: any) {
  const service = (): ImageStackService => servicesManager.services[SERVICE_NAME];
  let loaderRegistered = false;
  const ensureLoader = () => {
    if (loaderRegistered) return;
    registerImageStackLoader(getCornerstone(extensionManager).cornerstone, IMAGE_LOADER_SCHEME, service());
    loaderRegistered = true;
  };
  const studyUIDsFromQuery = (query: URLSearchParams | undefined): string[] =>
    (query?.getAll('StudyInstanceUIDs') ?? []).flatMap(v => v.split(',')).filter(Boolean);
  /**
   * The stack lives in this tab's memory only: after a reload (or from a shared link) the
   * viewer route cannot show it. Go to the import page, which offers the autosaved session,
   * and never settle, so OHIF does not go on to its "/notfoundstudy" page meanwhile.
   */
  let leaving: Promise<never> | undefined;
  const leaveForImportPage = (): Promise<never> => {
    if (!leaving) {
      leaving = new Promise<never>(() => undefined);
      replaceWith(LOST_STACK_PATH);
      // a later visit of the viewer route (after a new import) starts afresh
      setTimeout(() => (leaving = undefined), 0);
    }
    return leaving;
  };

  const implementation = {
    initialize: async ({ query }: { query?: URLSearchParams }) => {
      ensureLoader();
      const missing = studyUIDsFromQuery(query).filter(uid => !service().getByStudy(uid));
      if (missing.length) return leaveForImportPage();
    },
    getStudyInstanceUIDs: ({ query }: { query?: URLSearchParams }) => studyUIDsFromQuery(query),
    query: {
      studies: {
        mapParams: () => undefined,
        search: async (params?: { studyInstanceUid?: string }) => {
          // OHIF checks the study exists before showing it and goes to "/notfoundstudy" when not
          if (params?.studyInstanceUid && !service().getByStudy(params.studyInstanceUid)) return leaveForImportPage();
          const s = service().latest();
          if (!s) return [];
          const i0 = s.instances[0];
          return [
            {
              studyInstanceUid: s.studyInstanceUID,
              date: i0.StudyDate,
              time: i0.StudyTime,
              description: i0.StudyDescription,
              mrn: i0.PatientID,
              patientName: i0.PatientName,
              accession: '',
              modalities: 'CT',
              instances: s.stack.slices,
            },
          ];
        },
        processResults: () => undefined,
      },
      series: { search: async () => [] },
      instances: { search: async () => [] },
    },
    retrieve: {
      directURL: () => undefined,
      series: {
        metadata: async ({ StudyInstanceUID }: { StudyInstanceUID: string }) => {
          ensureLoader();
          const series = service().getByStudy(StudyInstanceUID);
          if (!series) return;
          const metadataProvider = OHIF.classes.MetadataProvider;
          for (const inst of series.instances) {
            metadataProvider.addImageIdToUIDs(inst.imageId, {
              StudyInstanceUID: inst.StudyInstanceUID,
              SeriesInstanceUID: inst.SeriesInstanceUID,
              SOPInstanceUID: inst.SOPInstanceUID,
              frameNumber: 1,
            });
          }
          // INSTANCES_ADDED → display sets → hanging protocol, as for any OHIF source
          DicomMetadataStore.addInstances(series.instances, true);
        },
      },
    },
    store: {
      dicom: async () => {
        throw new Error('The image-stack source is read-only: use "Save as DICOM" or "Send to PACS"');
      },
    },
    getImageIdsForDisplaySet(displaySet: any) {
      return (displaySet.images ?? []).map((i: any) => i.imageId ?? i.url);
    },
    getImageIdsForInstance({ instance }: any) {
      return instance.imageId ?? instance.url;
    },
    deleteStudyMetadataPromise: () => undefined,
    getConfig: () => configuration,
  };
  return IWebApiDataSource.create(implementation);
}
