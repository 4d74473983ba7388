// The Kaiten console's plumbing: its state, calls to the documented REST API with the signed-in
// token (one at a time per action, with a timeout), and notices to the user.
"use strict";

const TOKEN_KEY = "kaiten-console-token";
const PAGE_SIZE = 20;
const $ = (selector) => document.querySelector(selector);

const REQUEST_TIMEOUT_MS = 30000;
const state = {
  catalog: [], endpoints: [], editing: null, offset: 0, total: 0, shown: 0, loadingHistory: false, openEventId: null,
  olderAttemptsBefore: null,
};

class ApiError extends Error {
  constructor(status, problem) {
    super(views.problemText(status, problem));
    this.status = status;
  }
}

/** An answer to a request made for a token that has since been signed out of: it is ignored. */
class StaleAnswer extends Error {}

let requestsInFlight = 0;
// Incremented at every sign-out, so answers to the previous session's requests are dropped.
let session = 0;

/** The pager follows the history page shown (and is off while it loads). */
function updatePager() {
  const loading = state.loadingHistory;
  $("#newer").disabled = loading || state.offset === 0;
  $("#older").disabled = loading || state.offset + state.shown >= state.total;
}

/** Keeps `aria-busy` on the body true, and the buttons disabled, while any API call is in flight. */
function busy(change) {
  requestsInFlight += change;
  const working = requestsInFlight > 0;
  document.body.setAttribute("aria-busy", String(working));
  for (const button of document.querySelectorAll("#sign-in button, #app button")) button.disabled = working;
  if (!working) updatePager();
}

/** Calls the REST API with the signed-in token; resolves to the JSON body (null for 204). */
async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const asked = session;
  busy(+1);
  try {
    const response = await fetch(path, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      body: body === undefined ? undefined : JSON.stringify(body) });
    if (asked !== session) throw new StaleAnswer();
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  } finally {
    busy(-1);
  }
}

function notify(message, kind = "info") {
  const notice = $("#notice");
  notice.textContent = message;
  notice.className = kind;
  notice.hidden = !message;
}

/** Runs an action, showing its failure (or `done`) in the notice. */
async function attempt(action, done) {
  try {
    await action();
    if (done) notify(done, "success");
  } catch (error) {
    if (error instanceof StaleAnswer) return;
    if (error instanceof ApiError && error.status === 401) signOut("The token was refused; sign in again.");
    else notify(error.message, "error");
  }
}
