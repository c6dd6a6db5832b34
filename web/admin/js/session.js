// Who is signed in. The session token is kept in localStorage and sent
// only in the Authorization header (gql.js), never in a cookie, so another
// site cannot make the browser send it: there is no cross-site request
// forgery to guard against. The user is what the server's `me` answered.

const tokenKey = "samverkan.token";
let user = null;
let lastUsername = "";
const listeners = new Set();

/** token returns the session token, or null when nobody is signed in. */
export function token() {
  try {
    return window.localStorage.getItem(tokenKey);
  } catch (e) {
    return null; // storage turned off: nobody stays signed in
  }
}

/** currentUser is the signed-in user ({ id, username, displayName, role, municipalities, institutions }) or null. */
export const currentUser = () => user;

/** signedIn keeps a new session's token and user. */
export function signedIn(newToken, newUser) {
  try {
    window.localStorage.setItem(tokenKey, newToken);
  } catch (e) {
    // Without storage the session lasts as long as the page.
  }
  memoryToken = newToken;
  setUser(newUser);
}

/** forget drops the token and the user: signed out, or the token stopped working. */
export function forget() {
  if (user) lastUsername = user.username;
  try {
    window.localStorage.removeItem(tokenKey);
  } catch (e) {
    // nothing kept, nothing to remove
  }
  memoryToken = null;
  setUser(null);
}

/** setUser replaces the user (after `me` answered) and tells the listeners. */
export function setUser(u) {
  user = u;
  for (const fn of listeners) fn(user);
}

/** onSessionChange calls fn with the user (or null) whenever it changes. */
export function onSessionChange(fn) {
  listeners.add(fn);
}

// A token kept only in memory, for browsers that refuse localStorage.
let memoryToken = null;

/** bearer is the token to send: the stored one, or the one kept in memory. */
export const bearer = () => token() || memoryToken;

// Signing out in another tab signs out this one too.
window.addEventListener("storage", (e) => {
  if (e.key === tokenKey && !e.newValue && user) {
    memoryToken = null;
    setUser(null);
  }
});

/** previousUsername is who was signed in last in this page, to offer when signing in again. */
export const previousUsername = () => lastUsername;
