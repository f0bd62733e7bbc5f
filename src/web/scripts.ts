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
        // The first response is always swapped in, because the list may have changed since the page was rendered.
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
 * keeping open `<details>`, typed form values and the focus. It waits while a field in the
 * timeline has the focus, so a decision being typed is never replaced. The take-over form is
 * outside both parts and never replaced.
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

  function typing() {
    var active = document.activeElement;
    return !!active && timeline.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  }

  function swap(fresh) {
    var open = {};
    var values = {};
    document.querySelectorAll("details[id]").forEach(function (item) { if (item.open) open[item.id] = true; });
    timeline.querySelectorAll("input[type=text][id], textarea[id]").forEach(function (field) { if (field.value) values[field.id] = field.value; });
    var focused = document.activeElement && document.activeElement.id ? document.activeElement.id : null;
    var before = timeline.querySelectorAll(":scope > li").length;
    ["incident-summary", "timeline"].forEach(function (id) {
      var next = fresh.querySelector("#" + id);
      var current = document.getElementById(id);
      if (next && current) current.replaceWith(next);
    });
    timeline = document.getElementById("timeline");
    document.querySelectorAll("details[id]").forEach(function (item) { if (open[item.id]) item.open = true; });
    Object.keys(values).forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.value = values[id];
    });
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    var added = timeline.querySelectorAll(":scope > li").length - before;
    if (added > 0) announcer.textContent = added + (added === 1 ? " new message" : " new messages") + " in the thread.";
  }

  // A link to an evidence item (from the analysis) opens its collapsed details.
  function openTarget() {
    var target = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
    if (target && target.tagName === "DETAILS") target.open = true;
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
        if (text !== last && typing()) return;
        // The first response is always swapped in, because the thread may have grown since the page was rendered.
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

  window.addEventListener("hashchange", openTarget);
  openTarget();
  schedule();
})();
`;
