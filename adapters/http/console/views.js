// Rendering helpers of the Kaiten console. Every value from the API is put into the page as text
// (textContent), never as markup, so a payload, URL or response body cannot inject anything.
"use strict";

const views = (() => {
  /** An element with attributes (`on*` keys become listeners) and children (strings become text). */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replaceRows(table, rows) {
    const body = table.querySelector("tbody");
    body.replaceChildren(...rows);
  }

  function time(iso) {
    const at = new Date(iso);
    return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
  }

  /** A problem+json (RFC 9457) as one line: title, detail and the field errors. */
  function problemText(status, problem) {
    if (!problem || typeof problem !== "object") return `HTTP ${status}`;
    const parts = [problem.title || `HTTP ${status}`];
    if (problem.detail) parts.push(problem.detail);
    for (const error of problem.errors || []) parts.push(`${error.location || ""}: ${error.message || ""}`);
    return parts.join(" — ");
  }

  function subscription(endpoint) {
    const names = endpoint.eventNames || [];
    const events = names.length === 0 ? "every event" : names.join(", ");
    const customers = endpoint.customerIds || [];
    if (customers.length === 0) return events;
    const deleted = (endpoint.deletedCustomerIds || []).length;
    const scope = `${customers.length} customer${customers.length === 1 ? "" : "s"}`
      + (endpoint.includeOrganizationEvents ? " and organization events" : "")
      + (deleted ? ` (${deleted} deleted)` : "");
    return `${events} — ${scope}`;
  }

  /** One row of the endpoint table, with its actions. */
  function endpointRow(endpoint, actions) {
    const state = endpoint.disabled ? "disabled" : "enabled";
    return el("tr", { dataset: { id: endpoint.id } },
      el("td", {}, el("div", { class: "url" }, endpoint.url), el("small", {}, endpoint.description || "")),
      el("td", { class: "events" }, subscription(endpoint)),
      el("td", {}, el("span", { class: `badge ${state}` }, state)),
      el("td", { class: "rate" }, "…"),
      el("td", { class: "secret" }, el("code", {}, endpoint.signingSecret)),
      el("td", { class: "actions" },
        el("button", { type: "button", class: "reveal", onclick: () => actions.reveal(endpoint) }, "Show secret"),
        el("button", { type: "button", class: "edit", onclick: () => actions.edit(endpoint) }, "Edit"),
        el("button", { type: "button", class: "toggle", onclick: () => actions.toggle(endpoint) },
          endpoint.disabled ? "Enable" : "Disable"),
        el("button", { type: "button", class: "rotate", onclick: () => actions.rotate(endpoint) }, "Rotate secret"),
        el("button", { type: "button", class: "deliveries", onclick: () => actions.history(endpoint) }, "History"),
        el("button", { type: "button", class: "recover", onclick: () => actions.recover(endpoint) }, "Recover"),
        el("button", { type: "button", class: "test", onclick: () => actions.test(endpoint) }, "Send test"),
        el("button", { type: "button", class: "health", onclick: () => actions.health(endpoint) }, "Health"),
        el("button", { type: "button", class: "delete danger", onclick: () => actions.remove(endpoint) }, "Delete")));
  }

  /** The event checkboxes, grouped by domain, from the catalog. */
  function eventChoices(catalog) {
    const domains = new Map();
    for (const event of catalog) {
      if (!domains.has(event.domain)) domains.set(event.domain, []);
      domains.get(event.domain).push(event);
    }
    return [...domains].map(([domain, events]) => el("div", { class: "domain" },
      el("h4", {}, domain),
      domain === "Operational" ? el("p", { class: "hint" }, "About the endpoints themselves: sent only to endpoints that pick them, never to the endpoint concerned.") : [],
      events.map((event) => el("label", { title: event.description },
        el("input", { type: "checkbox", name: "event", value: event.name,
          dataset: event.domain === "Operational" ? { operational: "" } : {} }), ` ${event.name}`))));
  }

  function statusBadge(status) {
    return el("span", { class: `badge ${status}` }, status);
  }

  /** One row of the delivery history; a click (or Enter) opens the message. */
  function attemptRow(attempt, open) {
    const onkeydown = (event) => event.key === "Enter" && open(attempt.eventId);
    return el("tr", { class: "clickable", tabindex: 0, dataset: { eventId: attempt.eventId },
      onclick: () => open(attempt.eventId), onkeydown },
      el("td", {}, time(attempt.timestamp)),
      el("td", {}, attempt.eventName),
      el("td", { class: "url" }, attempt.url),
      el("td", {}, statusBadge(attempt.status)),
      el("td", {}, attempt.responseStatusCode ?? "—"),
      el("td", {}, attempt.durationMs));
  }

  /** One attempt of an opened message, with a resend to its endpoint. */
  function messageAttemptRow(attempt, resend) {
    return el("tr", {},
      el("td", {}, time(attempt.timestamp)),
      el("td", { class: "url" }, attempt.url),
      el("td", {}, statusBadge(attempt.status)),
      el("td", {}, attempt.responseStatusCode ?? "—"),
      el("td", {}, attempt.responseBody ? el("pre", { class: "response" }, attempt.responseBody)
        : el("span", { class: "muted" }, "(empty)")),
      el("td", {}, el("button", { type: "button", class: "resend", onclick: () => resend(attempt.endpointId) },
        "Resend")));
  }

  return { el, replaceRows, time, problemText, endpointRow, eventChoices, attemptRow, messageAttemptRow };
})();
