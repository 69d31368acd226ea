// The shared Orthanc starter (tests/lib/orthanc.cjs), for the browser tests.
import orthanc from '../../lib/orthanc.cjs';

export const { freePort, startOrthanc, qido } = orthanc;
