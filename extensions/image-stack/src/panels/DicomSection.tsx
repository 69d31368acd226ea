import React from 'react';
import type { LoadedSeries } from '../services/ImageStackService';

/** "Save as DICOM (zip)" and "Send to PACS" for the loaded series. (Being built.) */
export default function DicomSection(_props: { series: LoadedSeries; servicesManager: any }) {
  return null;
}
