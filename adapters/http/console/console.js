// The Kaiten console: manages webhook endpoints, browses the delivery history and inspects messages,
// through the documented REST API with the token the user signs in with (`api.js`).
"use strict";

// --- Sign-in -------------------------------------------------------------------------------------

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    state.catalog = (await api("GET", "/api/events/catalog")).items;
  } catch (error) {
    if (error instanceof StaleAnswer) return;
    if (error instanceof ApiError && error.status === 401) signOut("Unknown, expired or revoked token.");
    else notify(`The API could not be reached (${error.message}); try again.`, "error");
    return;
  }
  $("#sign-in").hidden = true;
  $("#app").hidden = false;
  $("#sign-out").hidden = false;
  notify("");
  $("#event-choices").replaceChildren(...views.eventChoices(state.catalog));
  startEditing(null);
  $("#filter-event").replaceChildren(views.el("option", { value: "" }, "Every event"),
    ...state.catalog.map((event) => views.el("option", { value: event.name }, event.name)));
  await attempt(loadEndpoints);
  await loadNaming();
}

/** Shows the organization's spelling of event names, when the token may read it (read:organizations). */
async function loadNaming() {
  try {
    const organization = await api("GET", "/api/organization");
    $("#event-naming").value = organization.webhookEventNames;
    $("#naming-form").hidden = false;
  } catch {
    $("#naming-form").hidden = true;
  }
}

async function saveNaming(event) {
  event.preventDefault();
  await attempt(async () => {
    const organization = await api("PUT", "/api/organization", { webhookEventNames: $("#event-naming").value });
    $("#event-naming").value = organization.webhookEventNames;
  }, "Saved: the events delivered from now on carry these names.");
}

/** Forgets everything shown for the previous token. */
function clearPage() {
  Object.assign(state, { endpoints: [], editing: null, offset: 0, total: 0, shown: 0, openEventId: null,
    olderAttemptsBefore: null });
  $("#filter-endpoint").replaceChildren(views.el("option", { value: "" }, "Every endpoint"));
  for (const table of ["#endpoint-table", "#history-table", "#attempt-table"]) views.replaceRows($(table), []);
  for (const text of ["#message-id", "#message-event", "#message-time", "#message-payload", "#page-info"]) {
    $(text).textContent = "";
  }
  $("#message").hidden = true;
  $("#naming-form").hidden = true;
  recovery.close();
  testSend.close();
  health.close();
  $("#history-filters").reset();
  startEditing(null);
  showTab("endpoints", false);
}

function signOut(message = "") {
  session += 1;
  sessionStorage.removeItem(TOKEN_KEY);
  $("#token").value = "";
  clearPage();
  $("#app").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in").hidden = false;
  notify(message, message ? "error" : "info");
}

// --- Endpoints -----------------------------------------------------------------------------------

async function loadEndpoints() {
  const page = await api("GET", "/api/webhooks?limit=100");
  state.endpoints = page.items;
  if (page.total > page.items.length) notify(`Showing the newest ${page.items.length} of ${page.total} endpoints.`);
  views.replaceRows($("#endpoint-table"), state.endpoints.map((endpoint) => views.endpointRow(endpoint, endpointActions)));
  const filtered = $("#filter-endpoint").value;
  $("#filter-endpoint").replaceChildren(views.el("option", { value: "" }, "Every endpoint"),
    ...state.endpoints.map((endpoint) => views.el("option", { value: endpoint.id }, endpoint.url)));
  $("#filter-endpoint").value = state.endpoints.some((endpoint) => endpoint.id === filtered) ? filtered : "";
  health.fillRates(state.endpoints);
}

const endpointActions = {
  reveal: (endpoint) => attempt(async () => {
    const secret = await api("GET", `/api/webhooks/${encodeURIComponent(endpoint.id)}/secret`);
    const cell = document.querySelector(`#endpoint-table tr[data-id="${CSS.escape(endpoint.id)}"] .secret code`);
    if (cell) cell.textContent = secret.signingSecret;
  }),
  edit: (endpoint) => startEditing(endpoint),
  toggle: (endpoint) => attempt(async () => {
    await api("PUT", `/api/webhooks/${encodeURIComponent(endpoint.id)}`, { disabled: !endpoint.disabled });
    await loadEndpoints();
  }, endpoint.disabled ? "Endpoint enabled." : "Endpoint disabled."),
  rotate: (endpoint) => {
    const hours = window.prompt(
      `Rotate the signing secret of ${endpoint.url}? For how many hours should the previous secret keep signing (0 to 168)?`, "24");
    if (hours === null) return undefined;
    return attempt(async () => {
      const overlapSeconds = Math.round(Number(hours) * 3600);
      const rotated = await api("POST", `/api/webhooks/${encodeURIComponent(endpoint.id)}/rotate-secret`, { overlapSeconds });
      await loadEndpoints();
      notify(`New signing secret: ${rotated.signingSecret} (the previous one also signs for ${hours} hours).`, "success");
    });
  },
  recover: (endpoint) => recovery.open(endpoint),
  test: (endpoint) => testSend.open(endpoint),
  health: (endpoint) => health.open(endpoint),
  history: (endpoint) => {
    $("#filter-endpoint").value = endpoint.id;
    showTab("history");
  },
  remove: (endpoint) => {
    if (!window.confirm(`Delete ${endpoint.url} and its delivery history?`)) return;
    attempt(async () => {
      await api("DELETE", `/api/webhooks/${encodeURIComponent(endpoint.id)}`);
      await loadEndpoints();
    }, "Endpoint deleted.");
  },
};

const DOMAIN_EVENT_INPUTS = "#event-choices input[name=event]:not([data-operational])";
const OPERATIONAL_INPUTS = "#event-choices input[name=event][data-operational]";

function checkedEvents() {
  return [...document.querySelectorAll("#event-choices input[name=event]:checked")].map((input) => input.value);
}

/** The subscription: none means every domain event; operational events are sent only when named, so
 * "every event" with some of them is every domain event by name, and those. */
function chosenEvents() {
  if (!$("#all-events").checked) return checkedEvents();
  const operational = [...document.querySelectorAll(`${OPERATIONAL_INPUTS}:checked`)].map((input) => input.value);
  if (operational.length === 0) return [];
  return [...document.querySelectorAll(DOMAIN_EVENT_INPUTS)].map((input) => input.value).concat(operational);
}

/** "Every event" greys out the single domain events (an empty subscription means every domain
 * event); the operational ones stay to be picked. */
function syncAllEvents() {
  const all = $("#all-events").checked;
  $("#event-choices").classList.toggle("all", all);
  for (const input of document.querySelectorAll(DOMAIN_EVENT_INPUTS)) input.disabled = all;
}

function startEditing(endpoint) {
  state.editing = endpoint;
  $("#endpoint-form-title").textContent = endpoint ? "Edit endpoint" : "New endpoint";
  $("#endpoint-save").textContent = endpoint ? "Save changes" : "Create endpoint";
  $("#endpoint-cancel").hidden = !endpoint;
  $("#endpoint-url").value = endpoint ? endpoint.url : "";
  $("#endpoint-description").value = endpoint ? endpoint.description : "";
  $("#endpoint-customers").value = endpoint ? (endpoint.customerIds || []).join(", ") : "";
  $("#endpoint-organization-events").checked = Boolean(endpoint && endpoint.includeOrganizationEvents);
  $("#endpoint-headers").value = endpoint
    ? (endpoint.headers || []).map((header) => `${header.name}: ${header.secret ? "" : header.value}`.trim()).join("\n")
    : "";
  $("#endpoint-rate-limit").value = endpoint && endpoint.rateLimit ? String(endpoint.rateLimit) : "";
  const subscribed = new Set(endpoint ? endpoint.eventNames : []);
  for (const input of document.querySelectorAll("#event-choices input[name=event]")) {
    input.checked = subscribed.has(input.value);
  }
  const domainEvents = [...document.querySelectorAll(DOMAIN_EVENT_INPUTS)].map((input) => input.value);
  $("#all-events").checked = Boolean(endpoint) && domainEvents.every((name) => subscribed.size === 0 || subscribed.has(name));
  syncAllEvents();
  if (endpoint) $("#endpoint-form").scrollIntoView();
}

// `Name: value` lines as the API's headers: a header keeps being shown if it was, every other one is
// secret; `Name:` alone keeps the saved value.
function typedHeaders(text, saved) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const colon = line.indexOf(":");
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    const value = colon < 0 ? "" : line.slice(colon + 1).trim();
    if (!value) return { name };
    const before = saved.find((header) => header.name.toLowerCase() === name.toLowerCase());
    return { name, value, secret: !(before && before.secret === false) };
  });
}

function saveEndpoint(event) {
  event.preventDefault();
  const eventNames = chosenEvents();
  if (!$("#all-events").checked && eventNames.length === 0) {
    notify("Choose the events to deliver, or every event.", "error");
    return;
  }
  const customerIds = $("#endpoint-customers").value.split(",").map((entry) => entry.trim()).filter(Boolean);
  const editing = state.editing;
  const body = { url: $("#endpoint-url").value.trim(), description: $("#endpoint-description").value, eventNames,
    customerIds, includeOrganizationEvents: $("#endpoint-organization-events").checked,
    headers: typedHeaders($("#endpoint-headers").value, editing ? editing.headers || [] : []),
    rateLimit: $("#endpoint-rate-limit").value === "" ? null : Number($("#endpoint-rate-limit").value) };
  attempt(async () => {
    if (editing) {
      await api("PUT", `/api/webhooks/${encodeURIComponent(editing.id)}`, body);
      notify("Endpoint saved.", "success");
    } else {
      const created = await api("POST", "/api/webhooks", body);
      startEditing(null);
      await loadEndpoints();
      notify(`Endpoint created. Signing secret: ${created.signingSecret}`, "success");
      return;
    }
    startEditing(null);
    await loadEndpoints();
  });
}

// --- Delivery history and messages --------------------------------------------------------------

async function loadHistory() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(state.offset) });
  for (const [key, selector] of [["endpointId", "#filter-endpoint"], ["eventName", "#filter-event"],
    ["status", "#filter-status"]]) {
    if ($(selector).value) query.set(key, $(selector).value);
  }
  state.loadingHistory = true;
  try {
    const page = await api("GET", `/api/webhooks/history?${query}`);
    Object.assign(state, { total: page.total, shown: page.items.length });
    views.replaceRows($("#history-table"), page.items.map((item) => views.attemptRow(item, openMessage)));
    const last = Math.min(state.offset + page.items.length, page.total);
    $("#page-info").textContent = page.total ? `${state.offset + 1}–${last} of ${page.total}` : "no deliveries yet";
  } finally {
    state.loadingHistory = false;
    updatePager();
  }
}

function openMessage(eventId) {
  attempt(async () => {
    const message = await api("GET", `/api/webhooks/messages/${encodeURIComponent(eventId)}`);
    state.openEventId = eventId;
    $("#message-id").textContent = message.messageId;
    $("#message-event").textContent = `${message.eventName} (${message.eventType})`;
    $("#message-time").textContent = views.time(message.timestamp);
    $("#message-payload").textContent = JSON.stringify(message.payload, null, 2);
    views.replaceRows($("#attempt-table"), message.attempts.map((item) => views.messageAttemptRow(item, resend)));
    showOlderAttemptsButton(message);
    $("#message").hidden = false;
    $("#message").scrollIntoView();
  });
}

/** The attempts come a page at a time, newest first: the button reads the next (older) page. */
function showOlderAttemptsButton(message) {
  state.olderAttemptsBefore = message.moreAttemptsBefore ?? null;
  $("#message-older").hidden = !state.olderAttemptsBefore;
}

function loadOlderAttempts() {
  const eventId = state.openEventId;
  const before = state.olderAttemptsBefore;
  if (!eventId || !before) return;
  attempt(async () => {
    const message = await api("GET",
      `/api/webhooks/messages/${encodeURIComponent(eventId)}?before=${encodeURIComponent(before)}`);
    if (state.openEventId !== eventId) return;
    $("#attempt-table tbody").append(...message.attempts.map((item) => views.messageAttemptRow(item, resend)));
    showOlderAttemptsButton(message);
  });
}

function resend(endpointId) {
  const eventId = state.openEventId;
  attempt(async () => {
    const accepted = await api("POST", `/api/webhooks/messages/${encodeURIComponent(eventId)}/resend`,
      endpointId ? { endpointId } : {});
    notify(`Resend queued (${accepted.queued} attempt${accepted.queued === 1 ? "" : "s"}).`, "success");
  });
}

// --- Wiring --------------------------------------------------------------------------------------

function showTab(name, load = true) {
  for (const tab of document.querySelectorAll("nav .tab")) tab.classList.toggle("active", tab.dataset.tab === name);
  $("#endpoints").hidden = name !== "endpoints";
  $("#history").hidden = name !== "history";
  if (!load) return;
  if (name === "history") {
    state.offset = 0;
    attempt(loadHistory);
  } else {
    attempt(loadEndpoints);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("#token").value.trim());
  });
  $("#sign-out").addEventListener("click", () => signOut());
  for (const tab of document.querySelectorAll("nav .tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  $("#endpoint-form").addEventListener("submit", saveEndpoint);
  $("#naming-form").addEventListener("submit", saveNaming);
  $("#endpoint-cancel").addEventListener("click", () => startEditing(null));
  $("#recover-form").addEventListener("submit", recovery.start);
  $("#recover-close").addEventListener("click", recovery.close);
  $("#test-form").addEventListener("submit", testSend.send);
  $("#test-close").addEventListener("click", testSend.close);
  $("#health-close").addEventListener("click", health.close);
  $("#all-events").addEventListener("change", syncAllEvents);
  $("#history-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    state.offset = 0;
    attempt(loadHistory);
  });
  $("#newer").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    attempt(loadHistory);
  });
  $("#older").addEventListener("click", () => {
    state.offset += PAGE_SIZE;
    attempt(loadHistory);
  });
  $("#resend-all").addEventListener("click", () => resend(null));
  $("#message-reload").addEventListener("click", () => openMessage(state.openEventId));
  $("#message-older").addEventListener("click", loadOlderAttempts);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) signIn(token);
});
