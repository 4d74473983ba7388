// The console's test send: for one endpoint, deliver the catalog's example of a chosen event (marked
// `"test": true`), then show the attempt's answer as soon as it is recorded.
"use strict";

const testSend = (() => {
  const POLL_MS = 500;
  const MAX_POLLS = 60;
  let endpoint = null;
  // Incremented for every send (or panel closed), so an older send stops being followed.
  let following = 0;

  function open(target) {
    endpoint = target;
    following += 1;
    $("#test-endpoint").textContent = target.url;
    $("#test-event").replaceChildren(...state.catalog.map((event) => views.el("option", { value: event.name }, event.name)));
    $("#test-result").textContent = "";
    $("#test-form").hidden = false;
    $("#test-form").scrollIntoView();
  }

  function close() {
    following += 1;
    endpoint = null;
    $("#test-form").hidden = true;
  }

  function answerText(attempt) {
    const code = attempt.responseStatusCode === null ? "no answer" : `HTTP ${attempt.responseStatusCode}`;
    const body = attempt.responseBody ? `: ${attempt.responseBody.slice(0, 500)}` : "";
    return `${attempt.status} — ${code} in ${attempt.durationMs} ms${body}`;
  }

  async function follow(eventId, mine) {
    for (let poll = 0; poll < MAX_POLLS; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (mine !== following) return;
      const message = await api("GET", `/api/webhooks/messages/${encodeURIComponent(eventId)}`).catch(() => null);
      if (mine !== following) return;
      const done = message && message.attempts.find((attempt) => attempt.status === "success" || attempt.status === "fail");
      if (done) {
        $("#test-result").textContent = answerText(done);
        return;
      }
    }
    $("#test-result").textContent = "No answer recorded yet: see the delivery history.";
  }

  function send(event) {
    event.preventDefault();
    if (!endpoint) return;
    const path = `/api/webhooks/${encodeURIComponent(endpoint.id)}/test`;
    following += 1;
    const mine = following;
    attempt(async () => {
      const sent = await api("POST", path, { eventName: $("#test-event").value });
      $("#test-result").textContent = `Sent as ${sent.messageId}; waiting for the answer…`;
      if (sent.eventId) await follow(sent.eventId, mine);
      else $("#test-result").textContent = `Sent as ${sent.messageId}: its attempt appears in the delivery history.`;
    });
  }

  return { open, close, send };
})();
