/**
 * The pages' only scripts, sent inline with the response's CSP nonce. They are progressive: every
 * page works without them, and they only keep it current by fetching a server-rendered (and so
 * escaped) fragment of the same page and swapping it in. They read no values from the page except
 * its own URL and `data-` attributes.
 */

/** Polls the incident list's rows (`?view=rows` on the page's own URL, so its filters apply). */
export const INCIDENT_LIST_SCRIPT = `
(function () {
  "use strict";
  var rows = document.getElementById("incident-rows");
  var announcer = document.getElementById("list-status");
  var checked = document.getElementById("list-checked");
  if (!rows || !window.fetch) return;
  var interval = Number(rows.getAttribute("data-poll-ms")) || 5000;
  var last = null;

  function clock() { return new Date().toISOString().slice(11, 19) + " UTC"; }
  function schedule() { window.setTimeout(tick, interval); }

  function tick() {
    if (document.hidden) return schedule();
    var url = new URL(window.location.href);
    url.searchParams.set("view", "rows");
    fetch(url.toString(), { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        // The first answer is always swapped in, because the list may have changed since the page was rendered.
        if (text !== last) {
          rows.innerHTML = text;
          var count = rows.querySelectorAll("tr[data-key]").length;
          if (last !== null) announcer.textContent = "Incident list updated: " + count + (count === 1 ? " incident." : " incidents.");
        }
        last = text;
        checked.textContent = "Live, checked " + clock() + ".";
      })
      .catch(function (error) {
        checked.textContent = "Live updates failed at " + clock() + " (" + error.message + "); retrying.";
      })
      .then(schedule);
  }
  schedule();
})();
`;

/**
 * Polls the thread page's summary and timeline (`?view=live`) and replaces them when they change,
 * keeping open `<details>` open and the focus where it was. The take-over form is not replaced,
 * so typing in it is never lost.
 */
export const THREAD_SCRIPT = `
(function () {
  "use strict";
  var timeline = document.getElementById("timeline");
  var checked = document.getElementById("thread-checked");
  var announcer = document.getElementById("thread-status");
  if (!timeline || !window.fetch) return;
  var interval = Number(timeline.getAttribute("data-poll-ms")) || 4000;
  var last = null;

  function clock() { return new Date().toISOString().slice(11, 19) + " UTC"; }
  function schedule() { window.setTimeout(tick, interval); }

  function swap(fresh) {
    var open = {};
    document.querySelectorAll("details[id]").forEach(function (item) { if (item.open) open[item.id] = true; });
    var focused = document.activeElement && document.activeElement.id ? document.activeElement.id : null;
    var before = timeline.querySelectorAll(":scope > li").length;
    ["incident-summary", "timeline"].forEach(function (id) {
      var next = fresh.querySelector("#" + id);
      var current = document.getElementById(id);
      if (next && current) current.replaceWith(next);
    });
    timeline = document.getElementById("timeline");
    document.querySelectorAll("details[id]").forEach(function (item) { if (open[item.id]) item.open = true; });
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    var added = timeline.querySelectorAll(":scope > li").length - before;
    if (added > 0) announcer.textContent = added + (added === 1 ? " new message" : " new messages") + " in the thread.";
  }

  function tick() {
    if (document.hidden) return schedule();
    var url = new URL(window.location.href);
    url.search = "?view=live";
    url.hash = "";
    fetch(url.toString(), { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (text) {
        // The first answer is always swapped in, because the thread may have grown since the page was rendered.
        if (text !== last) {
          var template = document.createElement("template");
          template.innerHTML = text;
          swap(template.content);
        }
        last = text;
        checked.textContent = "Live, checked " + clock() + ".";
      })
      .catch(function (error) {
        checked.textContent = "Live updates failed at " + clock() + " (" + error.message + "); retrying.";
      })
      .then(schedule);
  }
  schedule();
})();
`;
