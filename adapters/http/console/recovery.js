// The console's recovery: for one endpoint, send again its failed messages of a time window
// (`recover`) or the ones it never had (`replay`), then follow the task's progress until it ends.
"use strict";

const recovery = (() => {
  const POLL_MS = 1000;
  const MAX_POLLS = 120;
  let endpoint = null;
  // Incremented for every task started (or panel closed), so an older task's progress stops.
  let following = 0;

  /** `datetime-local` value for a time (the browser's local time, minutes). */
  function localInput(at) {
    const shifted = new Date(at.getTime() - at.getTimezoneOffset() * 60000);
    return shifted.toISOString().slice(0, 16);
  }

  function open(target) {
    endpoint = target;
    following += 1;
    $("#recover-endpoint").textContent = target.url;
    $("#recover-since").value = localInput(new Date(Date.now() - 24 * 3600 * 1000));
    $("#recover-until").value = "";
    $("#recover-progress").textContent = "";
    $("#recover-form").hidden = false;
    $("#recover-form").scrollIntoView();
  }

  function close() {
    following += 1;
    endpoint = null;
    $("#recover-form").hidden = true;
  }

  /** One line: what the task did so far. Svix reports no counts. */
  function progressText(task) {
    const counts = task.queued === null || task.queued === undefined
      ? "the backend reports no counts"
      : `${task.queued} queued — ${task.succeeded} succeeded, ${task.failed} failed, ${task.pending} pending`;
    const more = task.more ? " (more matched: start it again for the rest)" : "";
    return `${task.kind}: ${counts}; ${task.status}${more}`;
  }

  async function follow(task, mine) {
    $("#recover-progress").textContent = progressText(task);
    for (let poll = 0; poll < MAX_POLLS && task.status === "running"; poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (mine !== following) return;
      task = await api("GET", `/api/webhooks/recoveries/${encodeURIComponent(task.id)}`);
      if (mine !== following) return;
      $("#recover-progress").textContent = progressText(task);
    }
  }

  function start(event) {
    event.preventDefault();
    if (!endpoint) return;
    const since = new Date($("#recover-since").value);
    if (Number.isNaN(since.getTime())) {
      notify("Choose the time to recover from.", "error");
      return;
    }
    const body = { since: since.toISOString() };
    if ($("#recover-until").value) body.until = new Date($("#recover-until").value).toISOString();
    const kind = $("#recover-kind").value;
    const path = `/api/webhooks/${encodeURIComponent(endpoint.id)}/${kind === "replay" ? "replay" : "recover"}`;
    following += 1;
    const mine = following;
    attempt(async () => {
      const task = await api("POST", path, body);
      await follow(task, mine);
    });
  }

  return { open, close, start };
})();
