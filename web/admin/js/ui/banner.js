// The message at the top of the page for what is not about one field: the
// server cannot be reached, or failed.

import { NetworkError } from "../gql.js";
import { announce } from "../dom.js";
import { swedish } from "../messages.js";

/** showError puts an error in the banner. */
export function showError(e) {
  const banner = document.getElementById("banner");
  let text = e.message;
  if (e instanceof NetworkError) text = e.message;
  else if (e.code === "NOT_FOUND") text = `Hittades inte. ${swedish(e.message, e.field, e.code)}`;
  else if (e.code === "FORBIDDEN") text = `Ingen behörighet: ${swedish(e.message, e.field, e.code)}`;
  else if (e.code) text = swedish(e.message, e.field, e.code);
  banner.textContent = text;
  banner.className = "banner error";
  banner.hidden = false;
  banner.dataset.for = location.hash;
  announce(text);
}

/**
 * showNotice puts a calm message in the banner, e.g. "Sparat". When the
 * page goes on to another view, forAddress names it: the message stays
 * for that view, and goes with any other.
 */
export function showNotice(text, forAddress = null) {
  const banner = document.getElementById("banner");
  banner.textContent = text;
  banner.className = "banner notice";
  banner.hidden = false;
  banner.dataset.for = forAddress || location.hash;
  announce(text);
}

/** clearBanner hides the banner. */
export function clearBanner() {
  const banner = document.getElementById("banner");
  banner.hidden = true;
  banner.textContent = "";
  delete banner.dataset.for;
}

/** keepBannerFor lets the message shown stay for the view at address, where the page goes next. */
export function keepBannerFor(address) {
  const banner = document.getElementById("banner");
  if (!banner.hidden) banner.dataset.for = address;
}

/** clearBannerUnlessFor hides the banner unless its message was meant for the view at address. */
export function clearBannerUnlessFor(address) {
  const banner = document.getElementById("banner");
  if (banner.dataset.for !== address) clearBanner();
}
