// The page's only way to the server: a GraphQL request over POST, exactly
// what any other client of the API sends, with the session's token in the
// Authorization header.

import { bearer, forget } from "./session.js";

/** An error the API answered with: code, field and extensions come from extensions. */
export class GraphQLError extends Error {
  constructor(message, code, field, all, extensions) {
    super(message);
    this.code = code || "INTERNAL";
    this.field = field || "";
    this.all = all || [];
    this.extensions = extensions || {};
  }
}

/** The server could not be reached, or answered with something else than GraphQL. */
export class NetworkError extends Error {}

// signIn is asked for a session when a request needs one: the token has
// expired or was revoked, or the server wants a token for what was asked.
// It resolves true once the user has signed in, false if they would not.
let signIn = null;

/** onSignInNeeded sets what asks the user to sign in (see ui/account.js). */
export function onSignInNeeded(fn) {
  signIn = fn;
}

/**
 * gql sends a query or mutation and returns its data. It throws a
 * GraphQLError when the response has errors (nothing of a failed mutation
 * is written), and a NetworkError when there is no usable response.
 *
 * When the server refuses for want of a valid session (UNAUTHENTICATED),
 * the token is forgotten, the user is asked to sign in, and the request is
 * sent again with the new token: a form being saved keeps what was typed
 * and is saved once the user has signed in. Options: partial returns the
 * data of a response with errors too (for node lookups of ids that may be
 * gone); auth: false sends the request as it is (signing in itself);
 * token sends that token instead of the session's (a session just issued).
 */
export async function gql(query, variables = {}, { partial = false, auth = true, token = null } = {}) {
  return withSession((sent) => send(query, variables, sent, partial), { auth, token });
}

/**
 * withSession runs request with the session's token (or the one given)
 * and, when the server refuses it for want of a valid session, asks the
 * user to sign in and runs it again (see gql).
 */
async function withSession(request, { auth = true, token = null } = {}) {
  for (;;) {
    const sent = token || bearer();
    try {
      return await request(sent);
    } catch (e) {
      if (!auth || !signIn || !(e instanceof GraphQLError) || e.code !== "UNAUTHENTICATED") throw e;
      // A token the server refuses is of no further use. (Another request
      // may already have replaced it: then only send again.)
      if (sent && bearer() === sent) forget();
      if (bearer() && bearer() !== sent) continue;
      if (!(await signIn(sent ? "expired" : "required"))) throw e;
    }
  }
}

const unreachable = "Servern svarar inte. Kontrollera anslutningen och försök igen.";

function authHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** errorFrom turns a response's errors into the GraphQLError of the first. */
function errorFrom(errors) {
  const first = errors[0];
  const ext = first.extensions || {};
  return new GraphQLError(first.message, ext.code, ext.field, errors, ext);
}

async function send(query, variables, token, partial) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...authHeaders(token) },
      body: JSON.stringify({ query, variables }),
      credentials: "omit", // the token is the only credential: no cookie goes along
    });
  } catch (e) {
    throw new NetworkError(unreachable);
  }
  let body;
  try {
    body = await res.json();
  } catch (e) {
    throw new NetworkError(`Servern svarade med något oväntat (HTTP ${res.status}). Försök igen om en stund.`);
  }
  if (body.errors && body.errors.length > 0 && !(partial && body.data)) throw errorFrom(body.errors);
  return body.data;
}

/**
 * download fetches a file the page links to (a CSV report) with the
 * session's token, which a plain link cannot send, and saves it under the
 * name the server gives it, as a plain link would (so the file is named
 * the same signed in and out). A session that has ended is asked for
 * again, as for any request.
 */
export async function download(href) {
  const { blob, name } = await withSession((sent) => fetchFile(href, sent));
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name || href.replace(/[?#].*$/, "").split("/").pop();
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function fetchFile(href, token) {
  let res;
  try {
    res = await fetch(href, { headers: authHeaders(token), credentials: "omit" });
  } catch (e) {
    throw new NetworkError(unreachable);
  }
  if (res.ok) return { blob: await res.blob(), name: attachmentName(res.headers.get("Content-Disposition")) };
  const text = await res.text().catch(() => "");
  let body = null;
  try {
    body = JSON.parse(text);
  } catch (e) {
    // The reports answer a bad request in plain text (in English, as the
    // API's messages): it gets the code its status means, so that the
    // page says it in Swedish (messages.js).
  }
  if (body?.errors?.length) throw errorFrom(body.errors);
  const code = { 400: "BAD_REQUEST", 404: "NOT_FOUND", 503: "UNAVAILABLE" }[res.status] || (res.status >= 500 ? "INTERNAL" : "");
  if (code && text.trim()) throw new GraphQLError(text.trim(), code);
  throw new NetworkError(`Filen kunde inte hämtas (HTTP ${res.status}).`);
}

/** attachmentName reads the file name of a Content-Disposition header: filename* (RFC 5987) first, then filename. */
function attachmentName(header) {
  if (!header) return "";
  const star = header.match(/filename\*\s*=\s*UTF-8''([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch (e) {
      // a malformed name: fall back to the plain one
    }
  }
  const plain = header.match(/filename\s*=\s*"?([^";]+)"?/i);
  return plain ? plain[1].trim() : "";
}
