// The address of the view the page shows. A list keeps its search,
// filters, sort order and page in the address's query (#/activities?q=bus&
// status=DONE&page=2), so that Back returns to the same list and a
// filtered list can be bookmarked and shared; it changes the address in
// place, without showing the view again.

let shown = location.hash;

/** shownAddress is the address of the view on the page. */
export const shownAddress = () => shown;

/** setShownAddress records that the page now shows the view of hash. */
export function setShownAddress(hash) {
  shown = hash;
  const main = document.getElementById("main");
  if (main) main.dataset.view = hash; // for tests and styles
}

/**
 * keepInAddress replaces the address with base and params (a
 * URLSearchParams) without adding a step to the history or showing the
 * view again.
 */
export function keepInAddress(base, params) {
  const query = params.toString();
  const hash = query ? `${base}?${query}` : base;
  if (location.hash === hash) return;
  history.replaceState(history.state, "", hash);
  setShownAddress(location.hash); // as the browser spells it (å is %C3%A5)
}
