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

/**
 * Like navigateTo, but replaces the current history entry: for leaving a URL that cannot be
 * shown (a reload of the viewer route), so Back does not lead to it again.
 */
export function replaceWith(path: string): void {
  window.history.replaceState({}, '', path);
  window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
}

/** The import page, told that the viewer's stack was not in this tab (it offers a saved session, if any). */
export const LOST_STACK_PATH = '/?lost=1';
