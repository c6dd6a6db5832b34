// Live updates: the page's one subscription to the API's changes (README,
// "Live updates"). Views register interest in the records they show
// (follow); this module keeps a single stream of server-sent events open
// for them all, hands each change to the views that want it, and when the
// stream ends, subscribes again with a growing pause and asks every view
// to load what it shows anew, since changes may have been missed meanwhile.
//
// The stream is a fetch (an EventSource cannot send the Authorization
// header), with the session's token as gql.js sends it. It follows the
// session: signing in or out ends it and starts one with the new rights.

import { bearer, onSessionChange } from "./session.js";

/** The types whose changes the API sends. */
export const liveTypes = ["Activity", "FollowUp", "Indicator", "IndicatorTarget", "IndicatorValue"];

const subscription = "subscription Live { changes { action type id } }";

// How long a hidden page keeps its stream before closing it.
const hiddenFor = 5 * 60 * 1000;
// The pauses before subscribing again: 1, 2, 4 … at most 60 seconds.
const firstPause = 1000;
const longestPause = 60 * 1000;
// Changes that come close together reach a view as one call.
const gather = 150;

const interests = new Set();
let stream = null; // { controller } of the open stream, or null
let pause = firstPause;
let again = null; // the timer that subscribes again
let missed = false; // a stream ended: views reload once the next one is open
let refused = false; // the server has no live updates, or not for this session
let hiddenTimer = null;

/**
 * follow calls onChange with the changes (a list of { action, type, id })
 * to records of the types named (and, when ids are given, to those
 * records) while el is on the page, and with null when changes may have
 * been missed (the stream was interrupted): then everything shown should
 * be loaded anew. Interest ends with the view (see forgetAll) or when the
 * returned function is called.
 */
export function follow(el, { types, ids = null }, onChange) {
  const interest = { el, types: new Set(types), ids: ids ? new Set(ids.map(String)) : null, onChange, pending: [], timer: null };
  interests.add(interest);
  open();
  return () => interests.delete(interest);
}

/** forgetAll ends every view's interest: the page shows another view. */
export function forgetAll() {
  for (const i of interests) window.clearTimeout(i.timer);
  interests.clear();
}

function deliver(change) {
  for (const i of interests) {
    if (!i.el.isConnected || !i.types.has(change.type) || (i.ids && !i.ids.has(String(change.id)))) continue;
    i.pending.push(change);
    if (i.timer) continue;
    i.timer = window.setTimeout(() => {
      const changes = i.pending;
      i.pending = [];
      i.timer = null;
      if (interests.has(i) && i.el.isConnected) i.onChange(changes);
    }, gather);
  }
}

function resync() {
  for (const i of interests) if (i.el.isConnected) i.onChange(null);
}

function setState(state) {
  // For tests and styles: whether the page hears changes now.
  document.body.dataset.live = state;
}

/** open starts the stream unless one is open, or is not wanted. */
function open() {
  if (stream || again || refused || interests.size === 0) return;
  const controller = new AbortController();
  stream = { controller };
  listen(controller).then((ended) => {
    if (stream?.controller !== controller) return; // closed on purpose
    stream = null;
    setState("off");
    if (ended === "refused") return;
    missed = true;
    again = window.setTimeout(() => {
      again = null;
      open();
    }, pause);
    pause = Math.min(pause * 2, longestPause);
  });
}

/** close ends the stream on purpose; open starts another. */
function close() {
  window.clearTimeout(again);
  again = null;
  if (!stream) return;
  stream.controller.abort();
  stream = null;
  setState("off");
}

/**
 * listen reads one stream until it ends. It resolves "refused" when the
 * server will not send changes to this session (no live updates, signed
 * out on a private server, too many streams), else "ended".
 */
async function listen(controller) {
  const token = bearer();
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: subscription }),
      credentials: "omit",
      signal: controller.signal,
    });
  } catch (e) {
    return "ended";
  }
  if (!res.ok || !(res.headers.get("Content-Type") || "").startsWith("text/event-stream") || !res.body) {
    return res.status === 404 || res.status === 405 ? "refused" : "ended";
  }
  setState("on");
  if (missed) {
    missed = false;
    resync();
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return "ended";
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const outcome = event(block);
        if (outcome) return outcome;
      }
    }
  } catch (e) {
    return "ended"; // the connection broke, or was closed on purpose
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** event handles one event of the stream; it returns how the stream ended, if it did. */
function event(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      // A comment: the server's ping (the first, bare, comes with any
      // answer). A stream that lasted till its first ping starts the
      // pauses over.
      if (line.length > 1) pause = firstPause;
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") name = value;
    else if (field === "data") data.push(value);
  }
  if (name === "complete") return "ended";
  if (!data.length) return null;
  let body;
  try {
    body = JSON.parse(data.join("\n"));
  } catch (e) {
    return "ended";
  }
  if (body.errors?.length) {
    // Refused for good (no live updates here, a private server and no
    // session, too many streams): nothing is retried until the session
    // changes. Anything else is tried again after a pause.
    const code = body.errors[0].extensions?.code;
    if (["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "VALIDATION"].includes(code)) {
      refused = true;
      return "refused";
    }
    return "ended";
  }
  pause = firstPause;
  if (body.data?.changes) deliver(body.data.changes);
  return null;
}

// Another session, other rights: the stream starts again with them (and
// signing out closes the signed-in one).
onSessionChange(() => {
  close();
  refused = false;
  pause = firstPause;
  open();
});

// A page hidden for long lets its stream go; shown again, it subscribes
// and reloads what it shows.
document.addEventListener("visibilitychange", () => {
  window.clearTimeout(hiddenTimer);
  if (document.hidden) {
    hiddenTimer = window.setTimeout(() => {
      if (!stream) return;
      close();
      missed = true;
    }, hiddenFor);
  } else {
    open();
  }
});
