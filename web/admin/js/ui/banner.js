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
  else if (e.code === "INTERNAL") text = `Något gick fel på servern. ${e.message}`;
  else if (e.code === "NOT_FOUND") text = `Hittades inte: ${e.message}`;
  else if (e.code === "FORBIDDEN") text = `Ingen behörighet: ${swedish(e.message)}`;
  else if (e.code) text = swedish(e.message, e.field);
  banner.textContent = text;
  banner.className = "banner error";
  banner.hidden = false;
  announce(text);
}

/** showNotice puts a calm message in the banner, e.g. "Sparat". */
export function showNotice(text) {
  const banner = document.getElementById("banner");
  banner.textContent = text;
  banner.className = "banner notice";
  banner.hidden = false;
  announce(text);
}

/** clearBanner hides the banner. */
export function clearBanner() {
  const banner = document.getElementById("banner");
  banner.hidden = true;
  banner.textContent = "";
}
