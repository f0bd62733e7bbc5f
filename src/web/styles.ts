/**
 * The stylesheet of every page, sent inline so the pages need no second request and no external
 * host. It uses system fonts only. Narrow screens (a 390 px phone) get single-column cards, and
 * wider ones get the table and the two-column header.
 */
export const STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #fff; --text: #1b1f24; --muted: #5b6470; --line: #d9dde3;
  --link: #0b5cad; --focus: #1a73e8; --code: #eef1f5;
  --p1: #b3261e; --p2: #c75300; --p3: #8a6d00; --p4: #1f5fa8; --p5: #5b6470;
  --ok: #1e7b34; --warn: #8a5a00; --bad: #b3261e; --info: #1f5fa8;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171b; --panel: #1d2126; --text: #e6e9ed; --muted: #a2abb6; --line: #343a42;
    --link: #7db4f0; --focus: #8ab4f8; --code: #262b31;
    --p1: #ff8a80; --p2: #ffab66; --p3: #e8c65a; --p4: #8ab4f8; --p5: #a2abb6;
    --ok: #7bd389; --warn: #e8c65a; --bad: #ff8a80; --info: #8ab4f8;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, textarea:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px;
}
.skip, .sr-only { position: absolute; left: -9999px; }
.skip:focus { left: 8px; top: 8px; background: var(--panel); padding: 8px; z-index: 2; }
header.site { background: var(--panel); border-bottom: 1px solid var(--line); }
header.site nav { max-width: 1200px; margin: 0 auto; padding: 10px 16px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
header.site .brand { font-weight: 700; color: var(--text); text-decoration: none; }
main { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 12px; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 24px 0 8px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.muted { color: var(--muted); }
.small { font-size: 0.875rem; }
pre, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: var(--code); padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }

.badge { display: inline-block; padding: 0 8px; border-radius: 999px; border: 1px solid currentColor; font-size: 0.8rem; font-weight: 600; white-space: nowrap; line-height: 1.6; }
.prio-P1 { color: var(--p1); } .prio-P2 { color: var(--p2); } .prio-P3 { color: var(--p3); }
.prio-P4 { color: var(--p4); } .prio-P5 { color: var(--p5); }
.tone-ok { color: var(--ok); } .tone-warn { color: var(--warn); } .tone-bad { color: var(--bad); }
.tone-info { color: var(--info); } .tone-muted { color: var(--muted); }

button, .button {
  display: inline-flex; align-items: center; justify-content: center; font: inherit; font-weight: 600; padding: 8px 16px; min-height: 44px;
  border-radius: 6px; border: 1px solid var(--line); background: var(--panel); color: var(--text);
  cursor: pointer; text-decoration: none; text-align: center;
}
button.primary, .button.primary { background: #1e7b34; border-color: #1e7b34; color: #fff; }
button.danger, .button.danger { background: #b3261e; border-color: #b3261e; color: #fff; }
button.warning, .button.warning { background: #8a4b00; border-color: #8a4b00; color: #fff; }
label { font-weight: 600; }
input[type=text], select, textarea {
  font: inherit; padding: 8px; min-height: 44px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--panel); color: var(--text); max-width: 100%;
}
textarea { width: 100%; min-height: 80px; }

form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
form.filters div { display: flex; flex-direction: column; gap: 4px; }
.status-line { margin: 0 0 8px; }

table.incidents { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table.incidents th, table.incidents td { text-align: left; padding: 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.incidents th { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
table.incidents td.title { overflow-wrap: anywhere; min-width: 12em; }
table.incidents td.num, table.incidents td.time { font-variant-numeric: tabular-nums; }
table.incidents td.nowrap { white-space: nowrap; }
table.incidents td.time { min-width: 7.5em; }
table.incidents td.num { white-space: nowrap; }
@media (max-width: 720px) {
  table.incidents, table.incidents tbody, table.incidents tr, table.incidents td { display: block; width: 100%; }
  table.incidents { border: 0; background: none; }
  table.incidents thead { position: absolute; left: -9999px; }
  table.incidents tr { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 6px 0; }
  table.incidents td { border: 0; padding: 2px 12px; display: flex; gap: 8px; }
  table.incidents td::before { content: attr(data-label); color: var(--muted); font-size: 0.85rem; width: 9.5em; flex-shrink: 0; }
  table.incidents td > div { min-width: 0; overflow-wrap: anywhere; }
  table.incidents td.num, table.incidents td.nowrap { white-space: normal; }
  table.incidents td.title { font-weight: 600; min-width: 0; }
  table.incidents td.title::before { display: none; }
  table.incidents td.empty::before { display: none; }
}

.summary-grid { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.summary-grid dt { color: var(--muted); }
.summary-grid dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
@media (max-width: 720px) { .summary-grid { grid-template-columns: 7.5em minmax(0, 1fr); } }
.panel > h2:first-child { margin-top: 0; }
.panel > p.text { margin-top: 10px; }
.incident-head { display: grid; gap: 16px; grid-template-columns: 1fr; }
@media (min-width: 900px) { .incident-head { grid-template-columns: 2fr 1fr; } }
.links { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 8px 0 0; padding: 0; list-style: none; }
.takeover form, form.stack, form.decision { display: flex; flex-direction: column; gap: 6px; align-items: stretch; }
form.decision { margin-top: 8px; max-width: 40em; }
form.stack .actions-row, form.decision .actions-row { margin-top: 4px; }
.panel + .panel, .panel + form, form + .panel { margin-top: 16px; }
ul.evidence-lines { padding-left: 1.2em; overflow-wrap: anywhere; }
ul.evidence-lines li { margin-bottom: 6px; }
.notice { border-left: 4px solid var(--warn); }

ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 8px; padding: 10px 14px; margin-bottom: 10px; }
ol.timeline > li.kind-analysis { border-left-color: var(--info); }
ol.timeline > li.kind-approval-requested { border-left-color: var(--warn); }
ol.timeline > li.kind-action, ol.timeline > li.kind-verification { border-left-color: var(--ok); }
ol.timeline > li.kind-notice, ol.timeline > li.kind-escalated, ol.timeline > li.kind-action-dropped { border-left-color: var(--bad); }
ol.timeline > li.kind-takeover, ol.timeline > li.kind-human-note { border-left-color: var(--p2); }
.meta { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: baseline; font-size: 0.85rem; color: var(--muted); }
.meta .kind { font-weight: 700; color: var(--text); }
details { margin: 6px 0; }
details > summary { cursor: pointer; min-height: 32px; padding: 4px 0; overflow-wrap: anywhere; }
.actions-row { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.chart { display: block; width: 100%; max-width: 520px; height: auto; margin: 8px 0; }
.chart .series { fill: none; stroke: var(--info); stroke-width: 2; }
.chart .threshold { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
.chart .fired { stroke: var(--warn); stroke-width: 1; stroke-dasharray: 2 3; }
.chart .axis { stroke: var(--line); stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 11px; font-family: system-ui, sans-serif; }
.chart .point { fill: var(--info); }
.table-scroll { overflow-x: auto; max-width: 100%; }
table.rows { border-collapse: collapse; margin: 6px 0; }
table.rows th, table.rows td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 40em; }
h3.small { margin: 10px 0 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 0.8rem; color: var(--muted); margin: 0; }
.legend .line-series { color: var(--info); } .legend .line-threshold { color: var(--bad); } .legend .line-fired { color: var(--warn); }
`;
