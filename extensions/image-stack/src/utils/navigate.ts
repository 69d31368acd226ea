/**
 * Moves the single-page app to `path` without a page load (which would drop the stack held in
 * this tab). OHIF's router listens to popstate, so a pushState followed by a popstate event
 * is seen as a navigation.
 */
export function navigateTo(path: string): void {
  window.history.pushState({}, '', path);
  window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
}

/** The viewer URL of a loaded study. */
export function viewerPath(routeName: string, studyInstanceUID: string): string {
  return `/${routeName}?StudyInstanceUIDs=${encodeURIComponent(studyInstanceUID)}`;
}
