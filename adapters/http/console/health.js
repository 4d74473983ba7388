// The console's endpoint health: the last 24 hours of an endpoint's attempts drawn as a bar chart
// (successes and failures per hour, from the API's numbers; drawn here as SVG, nothing fetched from
// elsewhere), its latency, last success and failure and failing streak; and each endpoint's success
// rate in the endpoint table.
"use strict";

const health = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 720;
  const HEIGHT = 160;

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    return node;
  }

  function rate(stats) {
    return stats.successRate === null ? "no attempts" : `${Math.round(stats.successRate * 1000) / 10} %`;
  }

  function summary(stats) {
    const latency = stats.latencyMs
      ? `latency p50 ${Math.round(stats.latencyMs.p50)} ms, p95 ${Math.round(stats.latencyMs.p95)} ms, p99 ${Math.round(stats.latencyMs.p99)} ms`
      : "no latency yet";
    const when = (at) => (at ? new Date(at).toLocaleString() : "never");
    return `${stats.success} succeeded, ${stats.fail} failed (${rate(stats)}); ${latency}; last success ${when(stats.lastSuccessAt)}, `
      + `last failure ${when(stats.lastFailureAt)}; failing streak ${stats.failingStreak}${stats.sampled ? " (from the newest attempts)" : ""}`;
  }

  /** One stacked bar per bucket: successes below, failures on top, scaled to the fullest bucket. */
  function draw(stats) {
    const chart = $("#health-chart");
    chart.replaceChildren();
    chart.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    const highest = Math.max(1, ...stats.buckets.map((bucket) => bucket.success + bucket.fail));
    const slot = WIDTH / Math.max(1, stats.buckets.length);
    stats.buckets.forEach((bucket, index) => {
      const group = svg("g", { class: "bucket", "data-start": bucket.start, "data-success": bucket.success, "data-fail": bucket.fail });
      const successHeight = (bucket.success / highest) * (HEIGHT - 10);
      const failHeight = (bucket.fail / highest) * (HEIGHT - 10);
      const x = index * slot + 1;
      const width = Math.max(1, slot - 2);
      group.append(svg("rect", { class: "bar-success", x, y: HEIGHT - successHeight, width, height: successHeight }));
      group.append(svg("rect", { class: "bar-fail", x, y: HEIGHT - successHeight - failHeight, width, height: failHeight }));
      const title = svg("title", {});
      title.textContent = `${new Date(bucket.start).toLocaleString()}: ${bucket.success} succeeded, ${bucket.fail} failed`;
      group.append(title);
      chart.append(group);
    });
  }

  function open(endpoint) {
    $("#health-endpoint").textContent = endpoint.url;
    $("#health-summary").textContent = "Loading…";
    $("#health").hidden = false;
    $("#health").scrollIntoView();
    attempt(async () => {
      const stats = await api("GET", `/api/webhooks/${encodeURIComponent(endpoint.id)}/stats?bucket=1h`);
      draw(stats);
      $("#health-summary").textContent = summary(stats);
    });
  }

  function close() {
    $("#health").hidden = true;
  }

  /** Each listed endpoint's success rate over the last 24 hours, one request at a time. */
  async function fillRates(endpoints) {
    for (const endpoint of endpoints) {
      const stats = await api("GET", `/api/webhooks/${encodeURIComponent(endpoint.id)}/stats`).catch(() => null);
      const cell = document.querySelector(`#endpoint-table tr[data-id="${CSS.escape(endpoint.id)}"] .rate`);
      if (cell && stats) cell.textContent = rate(stats);
    }
  }

  return { open, close, fillRates };
})();
