// The coding workspace. Everything shown comes from the JSON API and every change is a request
// that writes the analysis folder; after each one the page reads the files again. The page
// asks /api/version every 1.5 s and reads everything again when a file changed on disk.
// It keeps only what is not analysis: the open document, the coders hidden, recent codes and
// the session's undo and redo lists (each undo is itself a write through the same API).
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  codes: [], categories: [], palette: new Map(), doc: null, text: null, selection: null,
  pick: 0, chosen: new Set(), picking: null, sigs: [], hidden: new Set(), recent: [], undo: [], redo: [],
  version: null, busy: false, writes: 0, documents: [], queue: Promise.resolve(),
  whole: null, surveys: [], tab: "document",
  grid: { survey: null, sort: "respondent", desc: false, filters: new Map(), offset: 0, limit: 100, data: null },
};
const timings = { render: null, fetch: null, write: null, version: null, started: null, applied: null, listed: null, grid: null };
window.thematic = { timings, state };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false || c === "") continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) {
    const e = new Error(data.error || res.statusText);
    e.status = res.status;
    throw e;
  }
  return data;
}

function status(text, error = false) {
  $("status").textContent = text;
  $("status").className = error ? "error" : "";
}

function colour(code) {
  if (!state.palette.has(code)) state.palette.set(code, state.palette.size % 8);
  return "c" + state.palette.get(code);
}

const docPath = (id) => "/api/documents/" + id.split("/").map(encodeURIComponent).join("/");

// A document's text counted in Unicode scalar values, as the API counts positions.
class Text {
  constructor(s) {
    this.s = s;
    this.cps = /[\uD800-\uDFFF]/.test(s) ? Array.from(s) : null;
    this.length = this.cps ? this.cps.length : s.length;
  }
  slice(a, b) { return this.cps ? this.cps.slice(a, b).join("") : this.s.slice(a, b); }
  at(i) { return this.cps ? this.cps[i] : this.s[i]; }
}
const cpLength = (s) => (/[\uD800-\uDFFF]/.test(s) ? Array.from(s).length : s.length);

// ---------------------------------------------------------------- documents

async function loadDocuments() {
  const data = await api("GET", "/api/documents");
  if (!$("coder").value) $("coder").value = data.coder || (data.coders.length === 1 ? data.coders[0] : "");
  state.documents = data.documents;
  state.answers = data.answers || 0;
  state.coders = data.coders;
  renderDocumentList();
  // Milliseconds from the page's start to its first list of documents, for bench/serve.sh.
  if (timings.listed === null) timings.listed = performance.now();
}

function renderDocumentList() {
  const f = $("document-filter").value.trim().toLowerCase();
  const open = state.doc && state.doc.id;
  const items = [];
  for (const d of state.documents) {
    const who = [d.participant, d.group, d.source, d.format].filter(Boolean).join(" · ");
    if (f && !(d.id.toLowerCase().includes(f) || who.toLowerCase().includes(f))) continue;
    const progress = Object.entries(d.codings).map(([c, n]) => `${c}: ${n}`).join(", ");
    items.push(el("li", {}, el("button", {
      type: "button", "data-open": d.id, "aria-current": open === d.id ? "true" : "false",
    }, d.id, el("small", {}, who), el("small", {}, progress ? "coded " + progress : "not coded yet"))));
  }
  // Survey answers are not listed one by one: the grid shows them a page at a time.
  if (state.answers) items.push(el("li", { class: "small", "data-answers": state.answers }, `and ${state.answers} survey answers, in the Surveys tab (g)`));
  $("document-list").replaceChildren(...items);
}
$("document-list").addEventListener("click", (e) => {
  const b = e.target.closest("[data-open]");
  if (b) openDocument(b.dataset.open, undefined, true);
});
$("document-filter").addEventListener("input", renderDocumentList);

async function openDocument(id, at, focus) {
  const t0 = performance.now();
  let doc;
  // The text is sent again only when its file changed.
  const known = state.doc && state.doc.id === id ? state.doc.text_version : null;
  try {
    doc = await api("GET", docPath(id) + (known ? "?known=" + encodeURIComponent(known) : ""));
  } catch (e) {
    return status(e.message, true);
  }
  timings.fetch = performance.now() - t0;
  showDocument(doc, at, focus);
}

// Draws a document as the server sent it (`text` null: the text the page holds already).
function showDocument(doc, at, focus) {
  if (doc.text === null) doc.text = state.doc.text;
  const t1 = performance.now();
  const same = state.doc && state.doc.id === doc.id;
  const scroll = $("view").scrollTop;
  // Drawn again (after a write, or a change on disk), the document keeps the coder's selection.
  const keep = same && !at ? currentSelection() || state.selection : null;
  const sameText = same && doc.text === state.doc.text;
  state.doc = doc;
  if (!sameText) state.text = new Text(doc.text);
  renderDocument(sameText);
  // Going somewhere closes the search results or extracts; reading the files again does not.
  if (!same || at || focus) $("results").hidden = true;
  if (at || focus) showTab("document");
  if (keep && keep.end <= state.text.length) select(keep.start, keep.end);
  timings.render = performance.now() - t1;
  document.querySelectorAll("#document-list [data-open]").forEach((b) => b.setAttribute("aria-current", b.dataset.open === doc.id ? "true" : "false"));
  if (at) showPlace(at.start, at.end);
  else if (same) $("view").scrollTop = scroll;
  else { $("view").scrollTop = 0; if (focus) $("view").focus(); }
}

function visibleCodings() {
  return state.doc.codings.filter((c) => !state.hidden.has(c.coder));
}

const keyOf = (c) => `${c.coder}:${c.line}`;

// Draws the open document. With `reuse` (the same text drawn already) only the turns whose
// codings changed are drawn again: a long transcript is not laid out anew after each coding.
function renderDocument(reuse) {
  const doc = state.doc;
  const text = state.text;
  const codings = visibleCodings();
  const turns = doc.turns.length ? doc.turns : [{ label: "", speaker: "", start: 0, end: text.length, time: null }];
  const old = reuse ? document.querySelector("#document-view [data-document]") : null;
  const keep = old && old.dataset.document === doc.id && old.children.length === turns.length ? old : null;
  // Codings sorted by start, so each turn only looks at those that can reach it.
  const sorted = [...codings].sort((a, b) => a.start - b.start);
  let first = 0;
  const view = keep || el("div", { "data-document": doc.id });
  const frag = document.createDocumentFragment();
  const sigs = [];
  turns.forEach((t, n) => {
    while (first < sorted.length && sorted[first].end <= t.start && sorted[first].start < t.start) first++;
    const here = [];
    for (let k = first; k < sorted.length && sorted[k].start < t.end; k++) {
      if (sorted[k].end > t.start) here.push(sorted[k]);
    }
    const sig = here.map((c) => `${keyOf(c)}:${c.start}:${c.end}:${c.codes.join(";")}`).join("|");
    sigs.push(sig);
    if (keep && state.sigs[n] === sig) return;
    const bars = el("div", { class: "margin" });
    for (const c of here) {
      for (const code of c.codes) {
        bars.append(el("button", {
          type: "button", class: `bar ${colour(code)}${c.start < t.start ? " from-before" : ""}${c.end > t.end ? " goes-on" : ""}`,
          "data-bar": keyOf(c), "data-code": code, "data-coder": c.coder,
          title: `${code} · ${c.coder} · line ${c.line}`, "aria-label": `${code}, coded by ${c.coder}: edit`,
        }, code));
      }
    }
    const who = el("div", { class: "who" }, t.label, t.time ? el("div", {}, t.time) : "",
      t.speaker === "interviewer" ? el("div", {}, el("span", { class: "tag" }, "interviewer")) : "");
    const turn = el("div", {
      class: "turn " + (t.speaker || ""), "data-turn": n, "data-start": t.start, "data-end": t.end, tabindex: -1,
    }, who, words(t, here), bars);
    if (keep) keep.children[n].replaceWith(turn); else frag.append(turn);
  });
  state.sigs = sigs;
  if (!keep) view.append(frag);
  const coders = el("div", { class: "coders", role: "group", "aria-label": "Show the coding of" }, "Show coding of:",
    (state.coders || []).map((c) => el("label", {}, el("input", {
      type: "checkbox", "data-coder-toggle": c, checked: !state.hidden.has(c),
    }), " " + c)));
  const list = el("ul", { class: "codings", "aria-label": "Codings in this document" },
    [...codings].sort((a, b) => a.start - b.start || a.end - b.end).map((c) => el("li", {
      "data-coding": keyOf(c), "data-codes": c.codes.join(";"), "data-coder": c.coder,
      "data-start": c.start, "data-end": c.end,
    },
    c.codes.map((code) => el("span", {}, el("span", { class: "swatch " + colour(code), "aria-hidden": "true" }), " ", code, " ")),
    `· ${c.coder} · line ${c.line}: `,
    el("button", { type: "button", class: "link", "data-goto": `${c.start}:${c.end}` }, "“" + excerpt(text.slice(c.start, c.end), 140) + "”"),
    c.exemplar ? el("span", { class: "mark-label" }, "exemplar") : "",
    c.quotable === false ? el("span", { class: "mark-label" }, "not quotable") : "",
    c.memo ? el("em", {}, " memo: " + c.memo) : "",
    el("button", { type: "button", "data-edit": keyOf(c) }, "Edit"),
    el("button", { type: "button", "data-remove": keyOf(c) }, "Remove"))));
  const title = el("h2", {}, doc.id, " ", el("small", {}, `(${doc.format}, ${doc.chars} characters)`));
  const count = el("h3", {}, `Codings (${codings.length})`);
  if (keep) {
    // The header, the toggles and the list are small: drawn again around the kept text.
    keep.previousElementSibling.replaceWith(coders);
    keep.nextElementSibling.replaceWith(count);
    count.nextElementSibling.replaceWith(list);
  } else {
    $("document-view").replaceChildren(title, coders, view, count, list);
  }
}

function excerpt(s, n) {
  s = s.replace(/\s+/g, " ").trim();
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

// A turn's words, split where visible codings start and end: each coded stretch is a <mark>
// whose underline doubles where codings overlap.
function words(t, here) {
  const w = el("div", { class: "words", "data-start": t.start });
  const cuts = new Set([t.start, t.end]);
  for (const c of here) {
    if (c.start > t.start) cuts.add(c.start);
    if (c.end < t.end) cuts.add(c.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let k = 0; k + 1 < points.length; k++) {
    const [a, b] = [points[k], points[k + 1]];
    const on = here.filter((c) => c.start < b && c.end > a);
    const s = state.text.slice(a, b);
    if (!on.length) { w.append(s); continue; }
    const codes = [...new Set(on.flatMap((c) => c.codes))];
    w.append(el("mark", {
      class: `coded n${Math.min(on.length, 3)}`, "data-codings": on.map(keyOf).join("|"),
      title: codes.join("; "),
    }, s));
  }
  return w;
}

document.addEventListener("change", (e) => {
  const c = e.target.dataset && e.target.dataset.coderToggle;
  if (c === undefined) return;
  if (e.target.checked) state.hidden.delete(c); else state.hidden.add(c);
  renderDocument(true);
  const again = document.querySelector(`[data-coder-toggle="${CSS.escape(c)}"]`);
  if (again) again.focus();
});

// Lighting a coding's words while its bar or list entry has the pointer or the focus.
function light(i, on) {
  document.querySelectorAll("mark.coded").forEach((m) => {
    if (m.dataset.codings.split("|").includes(i)) m.classList.toggle("lit", on);
  });
}
for (const ev of ["mouseover", "focusin"]) document.addEventListener(ev, (e) => { const b = e.target.closest && e.target.closest("[data-bar]"); if (b) light(b.dataset.bar, true); });
for (const ev of ["mouseout", "focusout"]) document.addEventListener(ev, (e) => { const b = e.target.closest && e.target.closest("[data-bar]"); if (b) light(b.dataset.bar, false); });

function codingByKey(key) {
  return state.doc && state.doc.codings.find((c) => `${c.coder}:${c.line}` === key);
}

$("document-view").addEventListener("click", (e) => {
  const t = e.target.closest("button");
  if (!t) return;
  if (t.dataset.bar) return openPicker(codingByKey(t.dataset.bar));
  if (t.dataset.edit) return openPicker(codingByKey(t.dataset.edit));
  if (t.dataset.remove) return removeCoding(codingByKey(t.dataset.remove));
  if (t.dataset.goto) { const [a, b] = t.dataset.goto.split(":").map(Number); showPlace(a, b); }
});

// ---------------------------------------------------------------- positions and selection

// The DOM point of character `pos` of the open document.
function domPoint(pos) {
  const turn = [...document.querySelectorAll("[data-document] .words")].find((w) => {
    const t = w.parentElement;
    return +t.dataset.start <= pos && pos <= +t.dataset.end;
  });
  if (!turn) return null;
  let left = pos - +turn.dataset.start;
  const walker = document.createTreeWalker(turn, NodeFilter.SHOW_TEXT);
  let node = null;
  while ((node = walker.nextNode())) {
    const n = cpLength(node.data);
    if (left <= n) {
      const units = Array.from(node.data).slice(0, left).join("").length;
      return { node, offset: units };
    }
    left -= n;
  }
  return { node: turn, offset: turn.childNodes.length };
}

function select(start, end) {
  const a = domPoint(start);
  const b = domPoint(end);
  if (!a || !b) return;
  const sel = window.getSelection();
  sel.removeAllRanges();
  const r = document.createRange();
  r.setStart(a.node, a.offset);
  r.setEnd(b.node, b.offset);
  sel.addRange(r);
  state.selection = { start, end };
  $("code-button").hidden = false;
}

// Scrolls to a place and selects it, so it can be coded at once.
function showPlace(start, end) {
  select(start, end);
  const p = domPoint(start);
  const turn = p && p.node.parentElement.closest(".turn");
  if (turn) { turn.scrollIntoView({ block: "center" }); turn.focus({ preventScroll: true }); select(start, end); }
}

// The selection as characters of the document's text (Unicode scalar values).
function currentSelection() {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || !state.doc || !sel.rangeCount) return null;
  const r = sel.getRangeAt(0);
  const offset = (node, off) => {
    const base = node.nodeType === 1 ? node : node.parentElement;
    let words = base.closest(".words");
    if (!words) {
      const turn = base.closest(".turn");
      if (!turn) return null;
      words = turn.querySelector(".words");
      return node.compareDocumentPosition(words) & Node.DOCUMENT_POSITION_FOLLOWING ? +turn.dataset.start : +turn.dataset.end;
    }
    const pre = document.createRange();
    pre.setStart(words, 0);
    pre.setEnd(node, off);
    return +words.dataset.start + cpLength(pre.toString());
  };
  const root = document.querySelector("[data-document]");
  if (!root || !root.contains(r.startContainer) || !root.contains(r.endContainer)) return null;
  const start = offset(r.startContainer, r.startOffset);
  const end = offset(r.endContainer, r.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

const isWord = (ch) => ch !== undefined && /[\p{L}\p{N}\p{M}_'’-]/u.test(ch);
const isSpace = (ch) => ch !== undefined && /\s/u.test(ch);

// Snaps a range to whole words: a start or end inside a word moves out to the word's edge,
// and white space at either end is left out.
function snap(start, end) {
  const t = state.text;
  while (start < end && isSpace(t.at(start))) start++;
  while (end > start && isSpace(t.at(end - 1))) end--;
  while (start > 0 && isWord(t.at(start - 1)) && isWord(t.at(start))) start--;
  while (end < t.length && isWord(t.at(end - 1)) && isWord(t.at(end))) end++;
  return end > start ? { start, end } : null;
}

// The edge of the next (or previous) word from `pos`.
function wordStep(pos, forward) {
  const t = state.text;
  if (forward) {
    while (pos < t.length && !isWord(t.at(pos))) pos++;
    while (pos < t.length && isWord(t.at(pos))) pos++;
  } else {
    while (pos > 0 && !isWord(t.at(pos - 1))) pos--;
    while (pos > 0 && isWord(t.at(pos - 1))) pos--;
  }
  return pos;
}

function takeSelection() {
  const s = currentSelection();
  if (!s) return state.selection;
  const snapped = snap(s.start, s.end);
  if (snapped && (snapped.start !== s.start || snapped.end !== s.end)) select(snapped.start, snapped.end);
  state.selection = snapped;
  return snapped;
}

document.addEventListener("mouseup", (e) => {
  if (e.target.closest && e.target.closest("[data-document]")) setTimeout(takeSelection, 0);
});
document.addEventListener("selectionchange", () => {
  const sel = window.getSelection();
  const inDoc = sel && !sel.isCollapsed && sel.rangeCount && document.querySelector("[data-document]") &&
    document.querySelector("[data-document]").contains(sel.getRangeAt(0).startContainer);
  $("code-button").hidden = !inDoc;
  if (!inDoc && !$("picker").open) state.selection = null;
});

// ---------------------------------------------------------------- codebook

async function loadCodebook() {
  const book = await api("GET", "/api/codebook");
  state.codes = [];
  state.categories = [];
  const code = (c, where) => {
    state.codes.push({ ...c, where });
    const def = el("div", { class: "def", id: "def-" + c.id },
      c.definition ? el("p", {}, c.definition) : el("p", {}, el("em", {}, c.unsorted ? "not in codebook.md yet" : "no definition")),
      c.include.map((i) => el("p", {}, el("strong", {}, "include: "), i)),
      c.exclude.map((x) => el("p", {}, el("strong", {}, "exclude: "), x)));
    return el("li", { class: "codebook-code", "data-code": c.id },
      el("button", { type: "button", "data-extracts": c.id, "aria-describedby": "def-" + c.id },
        el("span", {}, el("span", { class: "swatch " + colour(c.id), "aria-hidden": "true" }), " ", c.id),
        el("span", { class: "count", "aria-label": `${c.count} codings` }, c.count)),
      def);
  };
  const category = (k, theme) => {
    state.categories.push(k.name);
    const where = theme ? `${theme} › ${k.name}` : k.name;
    return el("details", { open: true, "data-category": k.name }, el("summary", { title: k.description }, k.name), el("ul", {}, k.codes.map((c) => code(c, where))));
  };
  const tree = [
    ...book.themes.map((t) => el("details", { open: true, "data-theme": t.name }, el("summary", { title: t.description }, el("strong", {}, t.name)),
      t.categories.map((k) => category(k, t.name)), el("ul", {}, t.codes.map((c) => code(c, t.name))))),
    ...book.categories.map((k) => category(k, null)),
  ];
  if (book.codes.length) tree.push(el("details", { open: true }, el("summary", {}, "In no theme or category"), el("ul", {}, book.codes.map((c) => code(c, "")))));
  $("codebook-tree").replaceChildren(...tree);
  filterCodebook();
}

function filterCodebook() {
  const f = $("code-filter").value.trim().toLowerCase();
  document.querySelectorAll("#codebook-tree .codebook-code").forEach((li) => {
    const c = state.codes.find((x) => x.id === li.dataset.code);
    li.hidden = !!f && !(c.id.toLowerCase().includes(f) || (c.definition || "").toLowerCase().includes(f));
  });
  document.querySelectorAll("#codebook-tree details").forEach((d) => {
    d.hidden = !!f && !d.querySelector(".codebook-code:not([hidden])");
  });
}
$("code-filter").addEventListener("input", filterCodebook);

$("codebook-tree").addEventListener("click", (e) => {
  const b = e.target.closest("[data-extracts]");
  if (b) showExtracts(b.dataset.extracts);
});

async function showExtracts(code) {
  try {
    const r = await api("GET", "/api/extracts?code=" + encodeURIComponent(code));
    const list = el("ul", {}, r.extracts.map((x) => el("li", { class: "extract" },
      el("button", { type: "button", "data-place": `${x.document}:${x.start}:${x.end}` },
        el("strong", {}, x.document), ` (${[...x.participants, "coded by " + x.coders.join(", ")].join("; ")}): `,
        "“" + excerpt(x.text, 300) + "”"), x.memo ? el("em", {}, " memo: " + x.memo) : "")));
    showResults(el("h2", {}, `${r.extracts.length} extracts coded `, el("code", {}, code)), list);
  } catch (e) {
    status(e.message, true);
  }
}

function showResults(...children) {
  showTab("document");
  $("results").replaceChildren(...children, el("button", { type: "button", id: "results-close" }, "Close"));
  $("results").hidden = false;
  $("view").scrollTop = 0;
  const first = $("results").querySelector("button");
  if (first) first.focus();
}
$("results").addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  if (b.id === "results-close") { $("results").hidden = true; return; }
  if (b.dataset.place) goTo(b.dataset.place);
});

async function goTo(place) {
  const parts = place.split(":");
  const end = +parts.pop();
  const start = +parts.pop();
  await openDocument(parts.join(":"), { start, end });
}

// ---------------------------------------------------------------- memos

async function loadMemos() {
  const r = await api("GET", "/api/memos");
  $("memo-list").replaceChildren(...(r.memos.length ? r.memos.map((m) => el("li", {},
    el("button", { type: "button", "data-place": `${m.document}:${m.start}:${m.end}` },
      el("strong", {}, m.memo), el("br"), `${m.document} · ${m.codes.join("; ")} · ${m.coder}: “${m.text}”`))) : [el("li", {}, el("em", {}, "No memos yet."))]));
}
// What `thematic check` finds, each problem as file:line and its message, errors first.
async function loadProblems() {
  const r = await api("GET", "/api/problems");
  $("problems-title").textContent = r.problems.length ? `Problems (${r.errors} errors, ${r.warnings} warnings)` : "Problems";
  const ordered = [...r.problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  $("problem-list").replaceChildren(...(ordered.length ? ordered.map((p) => el("li", { class: p.severity, "data-problem": p.severity },
    el("strong", {}, p.severity), ` ${p.file}${p.line ? ":" + p.line : ""}: ${p.message}`)) : [el("li", {}, el("em", {}, "None: check is clean."))]));
}

$("memo-list").addEventListener("click", (e) => {
  const b = e.target.closest("[data-place]");
  if (b) goTo(b.dataset.place);
});

// ---------------------------------------------------------------- the code picker

// Fuzzy matching: the letters typed, in order, in the code's id; whole words and starts
// score higher; a match in the definition counts a little.
function score(code, q) {
  if (!q) return 1;
  const id = code.id.toLowerCase();
  if (id === q) return 1000;
  if (id.startsWith(q)) return 500 - id.length;
  const at = id.indexOf(q);
  if (at >= 0) return 300 - at;
  let k = 0; let gaps = 0; let last = -1;
  for (let i = 0; i < id.length && k < q.length; i++) {
    if (id[i] === q[k]) { if (last >= 0) gaps += i - last - 1; last = i; k++; }
  }
  if (k === q.length) return 200 - gaps;
  return (code.definition || "").toLowerCase().includes(q) ? 50 : 0;
}

// The codes matching the filter, best first, then the offer to make the filter a new code.
function pickerMatches() {
  const q = $("picker-filter").value.trim().toLowerCase();
  const found = state.codes.map((c) => [score(c, q), c]).filter(([s]) => s > 0).sort((a, b) => b[0] - a[0]).map(([, c]) => c);
  const wanted = newCodeWanted();
  return wanted ? [...found, { id: wanted, isNew: true, definition: "" }] : found;
}

const validId = (s) => /^[\p{L}\p{N}_\/-]+$/u.test(s);

// The code picker for a coding to change, for the selection, or (`whole`: an answer's
// `document` and `text`, from the survey grid) for a whole survey answer.
function openPicker(coding, whole) {
  if (!whole && !state.doc) return status("Open a document first.", true);
  const s = whole ? null : coding ? { start: coding.start, end: coding.end } : takeSelection();
  if (!s && !whole) return status("Select a passage first (with the mouse, or j/k and s).", true);
  state.selection = s;
  state.whole = whole || null;
  state.picking = coding || null;
  state.chosen = new Set(coding ? coding.codes : []);
  state.pick = 0;
  $("picker-title").textContent = coding ? `Change ${coding.coder}'s coding (line ${coding.line})` : whole ? `Code the whole answer ${whole.document}` : "Code the passage";
  $("picker-filter").value = "";
  $("picker-memo").value = coding ? coding.memo || "" : "";
  $("picker-exemplar").checked = !!(coding && coding.exemplar);
  $("picker-unquotable").checked = !!(coding && coding.quotable === false);
  $("picker-quote").textContent = "“" + excerpt(whole ? whole.text : state.text.slice(s.start, s.end), 400) + "”";
  $("new-code-category").replaceChildren(el("option", { value: "" }, "(no category: top of codebook.md)"),
    ...state.categories.map((k) => el("option", { value: k }, k)));
  $("new-code-definition").value = "";
  renderPicker();
  $("picker").showModal();
  $("picker-filter").focus();
}

function newCodeWanted() {
  const q = $("picker-filter").value.trim();
  return q && validId(q) && !state.codes.some((c) => c.id === q) ? q : null;
}

function renderPicker() {
  const matches = pickerMatches();
  state.pick = Math.max(0, Math.min(state.pick, matches.length - 1));
  $("picker-list").replaceChildren(...matches.map((c, i) => el("li", {
    role: "option", id: "pick-" + i, "data-code": c.isNew ? null : c.id, "data-new": c.isNew ? c.id : null,
    "aria-selected": i === state.pick ? "true" : "false", class: state.chosen.has(c.id) ? "chosen" : "", title: c.definition,
  }, c.isNew ? ["+ New code ", el("code", {}, c.id), el("small", {}, "into codebook.md")]
    : [el("span", { class: "swatch " + colour(c.id), "aria-hidden": "true" }), " ", c.id, c.where ? el("small", {}, c.where) : ""])));
  $("picker-filter").setAttribute("aria-activedescendant", matches.length ? "pick-" + state.pick : "");
  const current = $("pick-" + state.pick);
  if (current) current.scrollIntoView({ block: "nearest" });
  const creating = matches[state.pick] && matches[state.pick].isNew;
  $("new-code").hidden = !creating;
  $("new-code-id").textContent = creating ? matches[state.pick].id : "";
  $("picker-chosen").textContent = state.chosen.size ? "Chosen: " + [...state.chosen].join("; ") : "";
}

function toggleChosen(id) {
  if (state.chosen.has(id)) state.chosen.delete(id); else state.chosen.add(id);
  renderPicker();
}

$("picker-list").addEventListener("click", (e) => {
  const li = e.target.closest("[data-code], [data-new]");
  if (!li) return;
  if (li.dataset.new) { state.pick = pickerMatches().length - 1; renderPicker(); $("new-code-definition").focus(); }
  else toggleChosen(li.dataset.code);
});
$("picker-filter").addEventListener("input", () => { state.pick = 0; renderPicker(); });
$("picker-filter").addEventListener("keydown", (e) => {
  const matches = pickerMatches();
  if (e.key === "ArrowDown") { state.pick = Math.min(state.pick + 1, matches.length - 1); renderPicker(); e.preventDefault(); }
  else if (e.key === "ArrowUp") { state.pick = Math.max(0, state.pick - 1); renderPicker(); e.preventDefault(); }
  else if (e.key === ";") { e.preventDefault(); if (matches[state.pick] && !matches[state.pick].isNew) toggleChosen(matches[state.pick].id); $("picker-filter").value = ""; renderPicker(); }
  else if (e.key === "Enter") { e.preventDefault(); applyPicker(true); }
});
$("picker-form").addEventListener("submit", (e) => { e.preventDefault(); applyPicker(false); });
$("picker-cancel").addEventListener("click", () => $("picker").close());

async function applyPicker(withHighlighted) {
  const codes = new Set(state.chosen);
  const top = pickerMatches()[state.pick];
  const wanted = top && top.isNew ? top.id : null;
  // A new code goes into the codebook with the coding, as one action: undo takes out both.
  let wrap = (action) => action;
  if (wanted) {
    const create = { id: wanted, definition: $("new-code-definition").value, category: $("new-code-category").value || null };
    wrap = (action) => withNewCode(create, action);
    codes.add(wanted);
  } else if ((withHighlighted && $("picker-filter").value.trim()) || codes.size === 0) {
    if (top) codes.add(top.id);
  }
  if (!codes.size) return;
  $("picker").close();
  const marks = { memo: $("picker-memo").value.trim(), exemplar: $("picker-exemplar").checked, quotable: !$("picker-unquotable").checked };
  if (state.picking) await run(wrap(changeAction(state.picking, { codes: [...codes], ...marks })));
  else if (state.whole) await codeWhole(state.whole.document, [...codes], marks, wrap);
  else await codeSelection([...codes], marks, wrap);
}

// An action that first adds a code to the codebook; undone, it undoes the action, then takes
// the code out again (the codebook gets back its bytes, if it has not changed since and no row
// uses the code). A coding that is refused takes the new code out with it.
function withNewCode(create, inner) {
  let made = null;
  const takeOut = () => api("DELETE", "/api/codes", { id: made.id, added: made.added, version: made.version });
  return {
    label: `new code ${create.id}, ${inner.label}`,
    async do() {
      made = await api("POST", "/api/codes", create);
      let r;
      try {
        r = await inner.do();
      } catch (e) {
        await takeOut().catch(() => {});
        throw e;
      }
      return done(r.answer, `${made.file}: new code ${create.id}; ${r.message}`);
    },
    async undo() {
      const r = await inner.undo();
      await takeOut();
      // The codebook changed after the coding's answer: the page reads the files again.
      return done(null, `${r.message}; ${create.id} taken out of ${made.file} again`);
    },
  };
}

function remember(codes) {
  for (const c of codes) state.recent = [c, ...state.recent.filter((x) => x !== c)].slice(0, 9);
  renderRecent();
}

function renderRecent() {
  $("recent").replaceChildren(...state.recent.map((c, i) => el("button", {
    type: "button", class: colour(c), "data-recent": i, title: `Code the selection with ${c} (${i + 1})`,
  }, el("kbd", {}, i + 1), " ", c)));
}
$("recent").addEventListener("click", (e) => {
  const b = e.target.closest("[data-recent]");
  if (b) codeSelection([state.recent[+b.dataset.recent]], {});
});

// Codes a survey answer whole: an empty quote, as `thematic code ID ""` writes it.
async function codeWhole(id, codes, marks, wrap = (a) => a) {
  await run(wrap(addAction({ document: id, whole: true, codes, coder: $("coder").value.trim(), memo: marks.memo || "", exemplar: !!marks.exemplar, quotable: marks.quotable !== false })));
}

async function codeSelection(codes, marks, wrap = (a) => a) {
  const s = state.selection || takeSelection();
  if (!s) return status("Select a passage first.", true);
  await run(wrap(addAction({ document: state.doc.id, start: s.start, end: s.end, codes, coder: $("coder").value.trim(), memo: marks.memo || "", exemplar: !!marks.exemplar, quotable: marks.quotable !== false })));
}

// ---------------------------------------------------------------- actions, undo and redo

// An action knows how to do itself and how to undo itself; both are writes through the API,
// each checked against the files as they are now. Each gives what to say and the server's
// answer, which holds the document as the files have it after the write.
const done = (answer, message) => ({ message, answer });

function addAction(row) {
  return {
    label: `code ${row.codes.join("; ")}`,
    async do() {
      const version = (state.doc && state.doc.id === row.document && state.doc.versions[row.coder]) || undefined;
      const r = await api("POST", "/api/codings", { ...row, version });
      // A whole answer's place is known once it is coded: undo finds the row by it.
      if (row.whole) { row.start = r.start; row.end = r.end; }
      remember(row.codes);
      return done(r, `${r.file}:${r.line}: coded with ${row.codes.join("; ")}${r.occurrence ? ` (occurrence ${r.occurrence})` : ""}`);
    },
    async undo() {
      const c = await findRow(row);
      const r = await api("DELETE", "/api/codings", seenOf(c));
      return done(r, `${c.coder}: removed line ${c.line} again`);
    },
  };
}

function removeAction(c) {
  const row = { document: state.doc.id, start: c.start, end: c.end, codes: c.codes, coder: c.coder, memo: c.memo || "", exemplar: !!c.exemplar, quotable: c.quotable !== false };
  const add = addAction(row);
  return { label: `remove ${c.codes.join("; ")}`, do: add.undo, undo: add.do };
}

function changeAction(c, after) {
  const before = { codes: c.codes, memo: c.memo || "", exemplar: !!c.exemplar, quotable: c.quotable !== false };
  const base = { document: state.doc.id, start: c.start, end: c.end, coder: c.coder };
  const patch = (from, to) => async () => {
    const now = await findRow({ ...base, codes: from.codes });
    const r = await api("PATCH", "/api/codings", { ...seenOf(now), new_codes: to.codes, memo: to.memo, exemplar: to.exemplar, quotable: to.quotable, version: state.doc.versions[c.coder] });
    remember(to.codes);
    return done(r, `${r.file}:${r.line}: now ${to.codes.join("; ")}`);
  };
  return { label: `change to ${after.codes.join("; ")}`, do: patch(before, after), undo: patch(after, before) };
}

const seenOf = (c) => ({ document: c.document || state.doc.id, coder: c.coder, line: c.line, quote: c.quote, codes: c.codes });

// The row as it is on disk now: the same coder, passage and codes (lines move as rows go).
async function findRow(row) {
  const doc = await api("GET", docPath(row.document));
  const c = doc.codings.find((x) => x.coder === row.coder && x.start === row.start && x.end === row.end &&
    x.codes.join(";") === row.codes.join(";"));
  if (!c) {
    const e = new Error(`${row.coder}'s coding of this passage with ${row.codes.join("; ")} is no longer in the sheet; nothing was changed`);
    e.status = 409;
    throw e;
  }
  return { ...c, document: doc.id };
}

function removeCoding(c) {
  if (c) run(removeAction(c));
}

// Runs one write and then reads the files again. `after` files the action on the undo or redo
// list when the write went through; an action whose write is refused is dropped.
// Writes run one after another, in the order they were asked for.
function enqueue(task) {
  const p = state.queue.then(task).catch((e) => status(e.message, true));
  state.queue = p;
  return p;
}

function run(action, how, after) {
  return enqueue(() => runNow(action, how, after));
}

async function runNow(action, how = "do", after = () => { state.undo.push(action); state.redo = []; }) {
  state.busy = true;
  state.writes++;
  const t0 = performance.now();
  timings.started = t0;
  let answer = null;
  try {
    const r = await action[how]();
    answer = r.answer;
    status(r.message);
    timings.write = performance.now() - t0;
    after();
    // The passage is coded: the selection has done its work.
    window.getSelection().removeAllRanges();
    state.selection = null;
  } catch (e) {
    status(e.message + (e.status === 409 ? " — the page now shows the files as they are." : ""), true);
  }
  try {
    await refresh(true, answer && answer.after);
  } finally {
    state.busy = false;
  }
  timings.applied = performance.now() - t0;
  renderUndo();
}

function undo() {
  return enqueue(async () => {
    const a = state.undo.pop();
    if (a) await runNow(a, "undo", () => state.redo.push(a));
    renderUndo();
  });
}

function redo() {
  return enqueue(async () => {
    const a = state.redo.pop();
    if (a) await runNow(a, "do", () => state.undo.push(a));
    renderUndo();
  });
}

function renderUndo() {
  const u = state.undo[state.undo.length - 1];
  const r = state.redo[state.redo.length - 1];
  $("undo").disabled = !u;
  $("redo").disabled = !r;
  $("undo").textContent = u ? `Undo ${u.label}` : "Undo";
  $("redo").textContent = r ? `Redo ${r.label}` : "Redo";
}
$("undo").addEventListener("click", undo);
$("redo").addEventListener("click", redo);

// ---------------------------------------------------------------- reading the files again

// Reads the folder again: the open document first (what the coder is looking at), then the
// list, the codebook and the memos. `after` (a write's answer: the folder's version and the
// written document as the file has it now) saves asking for the open document again.
async function refresh(docFirst, after) {
  try {
    const t0 = performance.now();
    const drawn = after && state.doc && after.document.id === state.doc.id && after.document.text_version === state.doc.text_version;
    if (drawn) {
      state.version = after.version;
      timings.version = null;
      timings.fetch = null;
      showDocument(after.document);
    } else {
      const v = await api("GET", "/api/version");
      timings.version = performance.now() - t0;
      state.version = v.version;
      if (docFirst && state.doc) await openDocument(state.doc.id);
    }
    await Promise.all([loadDocuments(), loadCodebook(), loadMemos(), loadSurveys(), loadProblems()]);
    if (!docFirst && state.doc) await openDocument(state.doc.id);
  } catch (e) {
    status(e.message, true);
  }
}

async function poll() {
  try {
    if (!state.busy && !$("picker").open) {
      const writes = state.writes;
      const v = await api("GET", "/api/version");
      // A write of this page's own that started meanwhile reads the files itself.
      if (!state.busy && writes === state.writes && state.version !== null && v.version !== state.version) {
        await enqueue(async () => {
          await refresh(true);
          status("The files changed on disk: the page shows them as they are now.");
        });
      }
    }
  } catch (e) {
    status("The server does not answer: " + e.message, true);
  }
  setTimeout(poll, 1500);
}

// ---------------------------------------------------------------- search

$("search").addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = $("q").value.trim();
  if (!q) return;
  try {
    const r = await api("GET", "/api/search?q=" + encodeURIComponent(q));
    showResults(el("h2", {}, `${r.hits.length} hits for “${q}”`), el("ul", {}, r.hits.map((h) =>
      el("li", { class: "hit" }, el("button", { type: "button", "data-place": `${h.document}:${h.start}:${h.end}` },
        el("strong", {}, h.document), ` (${h.label}): …${h.left} `, el("b", {}, h.matched), ` ${h.right}…`)))));
  } catch (err) {
    status(err.message, true);
  }
});

// ---------------------------------------------------------------- the survey grid

// The view shown in the middle: the open document (with search results and extracts) or the
// survey grid. Tabs, as a tablist: arrows move between them.
function showTab(tab, focus) {
  if (tab === "surveys" && !state.surveys.length) return;
  state.tab = tab;
  for (const [name, panel] of [["document", "document-panel"], ["surveys", "survey-view"]]) {
    const on = name === tab;
    $("tab-" + name).setAttribute("aria-selected", on ? "true" : "false");
    $("tab-" + name).tabIndex = on ? 0 : -1;
    $(panel).hidden = !on;
  }
  if (tab === "surveys" && !state.grid.data) loadGrid();
  if (focus) $("tab-" + tab).focus();
}
$("tabs").addEventListener("click", (e) => {
  const t = e.target.closest("[role=tab]");
  if (t) showTab(t.id.replace("tab-", ""), true);
});
$("tabs").addEventListener("keydown", (e) => {
  if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
  e.preventDefault();
  const tabs = ["document", "surveys"];
  const at = tabs.indexOf(state.tab);
  const next = e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : (at + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length;
  showTab(tabs[next], true);
});

async function loadSurveys() {
  const r = await api("GET", "/api/surveys");
  state.surveys = r.surveys;
  $("tabs").hidden = !r.surveys.length;
  if (!r.surveys.length) {
    if (state.tab === "surveys") showTab("document");
    return;
  }
  const g = state.grid;
  const same = r.surveys.some((s) => s.name === g.survey);
  if (!same) {
    g.survey = r.surveys[0].name;
    g.filters = new Map();
    g.offset = 0;
    g.sort = "respondent";
    g.desc = false;
  }
  renderSurveyHead(same);
  if (state.tab === "surveys" || g.data) await loadGrid();
}

const survey = () => state.surveys.find((s) => s.name === state.grid.survey);

// The survey's name (a choice where there are several), its counts and a filter per attribute:
// a list of the values, or a box for one typed exactly where there are too many to list.
// `keepTyping` (the same survey drawn again after the folder was read again): what the coder
// is typing in a filter box and has not applied yet stays, with the focus and the caret.
function renderSurveyHead(keepTyping) {
  const s = survey();
  const g = state.grid;
  const typed = new Map();
  let focus = null;
  if (keepTyping) {
    for (const box of $("grid-filters").querySelectorAll("input[data-filter]")) {
      typed.set(box.dataset.filter, box.value);
      if (box === document.activeElement) focus = { name: box.dataset.filter, from: box.selectionStart, to: box.selectionEnd };
    }
  }
  const name = state.surveys.length > 1
    ? [el("label", { for: "survey-select" }, "Survey "), el("select", { id: "survey-select" }, state.surveys.map((x) => el("option", { value: x.name, selected: x.name === s.name }, x.name)))]
    : [`Survey ${s.name}`];
  $("survey-head").replaceChildren(el("h2", {}, ...name),
    el("p", { class: "small" }, `${s.path}: ${s.respondents} respondents, ${s.answers} answers to ${s.questions.length} questions`));
  const filters = s.attributes.map((a) => {
    const id = "grid-filter-" + a.name.replace(/[^\w-]/g, "_");
    const now = g.filters.get(a.name) || "";
    const input = a.values
      ? el("select", { id, "data-filter": a.name }, el("option", { value: "" }, "(any)"),
        a.values.map((v) => el("option", { value: v, "data-value": v, selected: v === now }, v === "" ? "(empty)" : v)))
      : el("input", { id, "data-filter": a.name, type: "search", value: typed.has(a.name) ? typed.get(a.name) : now, placeholder: `${a.distinct} values`, autocomplete: "off" });
    return el("span", { class: "filter" }, el("label", { for: id }, a.name === "group" ? "Group" : a.name), input);
  });
  $("grid-filters").replaceChildren(...filters, el("button", { type: "button", id: "grid-clear", disabled: !g.filters.size }, "Clear filters"));
  const box = focus && $("grid-filters").querySelector(`input[data-filter="${CSS.escape(focus.name)}"]`);
  if (box) {
    box.focus({ preventScroll: true });
    box.setSelectionRange(focus.from, focus.to);
  }
}

$("survey-head").addEventListener("change", (e) => {
  if (e.target.id !== "survey-select") return;
  Object.assign(state.grid, { survey: e.target.value, filters: new Map(), offset: 0, sort: "respondent", desc: false, data: null });
  renderSurveyHead();
  loadGrid();
});
$("grid-filters").addEventListener("change", (e) => {
  const a = e.target.dataset.filter;
  if (a === undefined) return;
  const v = e.target.value.trim();
  // An attribute's empty value is a choice of its own; "(any)" is no filter.
  const chosen = e.target.tagName === "SELECT" ? e.target.selectedOptions[0].dataset.value : v || undefined;
  if (chosen === undefined) state.grid.filters.delete(a); else state.grid.filters.set(a, chosen);
  state.grid.offset = 0;
  $("grid-clear").disabled = !state.grid.filters.size;
  loadGrid();
});
$("grid-filters").addEventListener("submit", (e) => e.preventDefault());
$("grid-filters").addEventListener("click", (e) => {
  if (e.target.id !== "grid-clear") return;
  state.grid.filters = new Map();
  state.grid.offset = 0;
  renderSurveyHead();
  loadGrid();
});
$("grid-prev").addEventListener("click", () => { const g = state.grid; g.offset = Math.max(0, g.offset - g.limit); loadGrid(true); });
$("grid-next").addEventListener("click", () => { const g = state.grid; g.offset += g.limit; loadGrid(true); });
$("grid-limit").addEventListener("change", (e) => { state.grid.limit = +e.target.value; state.grid.offset = 0; loadGrid(); });

function gridPath() {
  const g = state.grid;
  const q = new URLSearchParams({ sort: g.sort, offset: g.offset, limit: g.limit });
  if (g.desc) q.set("desc", "1");
  for (const [a, v] of g.filters) q.append("filter", `${a}=${v}`);
  return `/api/surveys/${encodeURIComponent(g.survey)}/grid?${q}`;
}

// Reads the grid's page again. The focused cell (or sort button) keeps the focus; `toTop`
// scrolls to the table's first row (a new page).
async function loadGrid(toTop) {
  const g = state.grid;
  if (!g.survey) return;
  const path = gridPath();
  const t0 = performance.now();
  let data;
  try {
    data = await api("GET", path);
  } catch (e) {
    status(e.message, true);
    // An attribute sorted or filtered by that the survey no longer has (its file changed):
    // the grid starts again from the respondents in order.
    if (e.status === 400 && (g.filters.size || g.sort !== "respondent")) {
      Object.assign(g, { filters: new Map(), sort: "respondent", desc: false, offset: 0 });
      renderSurveyHead();
      await loadGrid();
    }
    return;
  }
  // An answer to an older request (the coder clicked on meanwhile) is not drawn.
  if (path !== gridPath()) return;
  const t1 = performance.now();
  g.data = data;
  const active = document.activeElement;
  const cell = active && active.closest && active.closest("#grid-scroll td[data-document], #grid-scroll th[data-sort-key]");
  const again = cell && (cell.dataset.document ? `td[data-document="${CSS.escape(cell.dataset.document)}"]` : `th[data-sort-key="${CSS.escape(cell.dataset.sortKey)}"]`);
  const part = active && (active.dataset.answer ? "[data-answer]" : active.dataset.whole ? "[data-whole]" : active.dataset.sort ? "[data-sort]" : null);
  renderGrid();
  if (again) {
    const target = document.querySelector(`#grid-scroll ${again}`);
    const inner = target && part && target.querySelector(part);
    if (inner || target) (inner || target).focus({ preventScroll: true });
  }
  if (toTop) { $("grid-scroll").scrollTop = 0; $("view").scrollTop = 0; }
  timings.grid = { fetch: t1 - t0, render: performance.now() - t1 };
}

function renderGrid() {
  const d = state.grid.data;
  const s = survey();
  if (!d || !s) return;
  const g = state.grid;
  // Respondent and group first, then the survey's other columns (its id column is the first).
  const columns = [["respondent", "Respondent"], ["group", "Group"], ...d.attributes.filter((a) => a !== s.id).map((a) => [a, a])];
  const sortHead = ([key, label]) => {
    const sorted = g.sort === key;
    return el("th", { scope: "col", "data-sort-key": key, "aria-sort": sorted ? (g.desc ? "descending" : "ascending") : null },
      el("button", { type: "button", "data-sort": key, title: `Sort by ${label}` }, label,
        el("span", { "aria-hidden": "true", class: "arrow" }, sorted ? (g.desc ? " ▼" : " ▲") : "")));
  };
  const head = el("tr", {}, columns.map(sortHead),
    d.questions.map((q) => el("th", { scope: "col", "data-question": q.column }, q.label, q.label !== q.column ? el("small", {}, q.column) : "")));
  const body = d.rows.map((r) => el("tr", { "data-row": r.respondent },
    el("th", { scope: "row" }, r.respondent, r.label !== `${d.survey}/${r.respondent}` ? el("small", {}, r.label) : ""),
    el("td", {}, r.group),
    columns.slice(2).map(([a]) => el("td", {}, r.attributes[a])),
    d.questions.map((q, k) => answerCell(d.survey, r.respondent, q, r.cells[k]))));
  const sorting = columns.find(([k]) => k === g.sort);
  const caption = el("caption", {}, `${d.survey}: respondents × questions, sorted by ${sorting ? sorting[1] : g.sort}${g.desc ? " (descending)" : ""}`);
  $("grid-scroll").replaceChildren(el("table", { id: "grid", "data-grid": d.survey }, caption, el("thead", {}, head), el("tbody", {}, body)));
  const first = d.total ? d.offset + 1 : 0;
  const last = Math.min(d.offset + d.rows.length, d.total);
  $("grid-count").textContent = d.total
    ? `Respondents ${first}–${last} of ${d.total}${g.filters.size ? " (filtered)" : ""}`
    : "No respondent has these values.";
  $("grid-prev").disabled = d.offset === 0;
  $("grid-next").disabled = d.offset + d.rows.length >= d.total;
}

// One answer: a button that opens it in the document view, the codes on it (each a label with
// its coders, not a colour alone) and a button that codes it whole.
function answerCell(name, respondent, q, cell) {
  const at = { "data-survey": name, "data-respondent": respondent, "data-question": q.column };
  if (!cell) return el("td", { ...at, class: "blank" }, el("span", { "aria-hidden": "true" }, "—"), el("span", { class: "sr" }, "no answer"));
  return el("td", { ...at, "data-document": cell.document, "data-text": cell.text, "data-codes": cell.codes.map((c) => c.code).join(";") },
    el("button", { type: "button", class: "answer", "data-answer": cell.document, title: `Open ${cell.document}` },
      excerpt(cell.text, 160), cell.truncated || cell.text.length > 160 ? el("small", {}, ` (${cell.chars} characters)`) : ""),
    cell.codes.length ? el("ul", { class: "cell-codes", "aria-label": "Codes" }, cell.codes.map((c) => el("li", { "data-cell-code": c.code },
      el("span", { class: "swatch " + colour(c.code), "aria-hidden": "true" }), " ", c.code, el("small", {}, " " + c.coders.join(", "))))) : "",
    el("button", { type: "button", class: "whole", "data-whole": cell.document, "aria-label": `Code the whole answer ${cell.document}`, title: "Code the whole answer (c)" }, "Code…"));
}

$("grid-scroll").addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  if (b.dataset.sort) {
    const g = state.grid;
    if (g.sort === b.dataset.sort) g.desc = !g.desc; else { g.sort = b.dataset.sort; g.desc = false; }
    g.offset = 0;
    return loadGrid();
  }
  if (b.dataset.answer) return openDocument(b.dataset.answer, undefined, true);
  const td = b.closest("td[data-document]");
  if (b.dataset.whole && td) openPicker(null, { document: td.dataset.document, text: td.dataset.text });
});

// ---------------------------------------------------------------- the keyboard

function focusTurn(step) {
  const turns = [...document.querySelectorAll("[data-document] .turn")];
  if (!turns.length) return;
  const at = turns.indexOf(document.activeElement.closest && document.activeElement.closest(".turn"));
  const next = turns[Math.max(0, Math.min(turns.length - 1, at < 0 ? 0 : at + step))];
  next.focus();
}

document.addEventListener("keydown", (e) => {
  const typing = e.target.closest && e.target.closest("input, textarea, select, dialog");
  if (typing) return;
  if (e.key === "g" && !e.ctrlKey && !e.metaKey && !e.altKey && state.surveys.length) {
    e.preventDefault();
    return showTab(state.tab === "surveys" ? "document" : "surveys", true);
  }
  // In the survey grid, `c` and the number keys code the focused answer whole.
  const cell = e.target.closest && e.target.closest("td[data-document]");
  if (cell && !e.ctrlKey && !e.metaKey && !e.altKey) {
    const whole = { document: cell.dataset.document, text: cell.dataset.text || "" };
    if (e.key === "c") { e.preventDefault(); return openPicker(null, whole); }
    if (/^[1-9]$/.test(e.key) && state.recent[+e.key - 1]) { e.preventDefault(); return codeWhole(whole.document, [state.recent[+e.key - 1]], {}); }
  }
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && e.key.toLowerCase() === "z") { e.preventDefault(); return e.shiftKey ? redo() : undo(); }
  if (ctrl && e.key.toLowerCase() === "y") { e.preventDefault(); return redo(); }
  if (ctrl || e.altKey && !e.shiftKey) return;
  if (e.shiftKey && (e.key === "ArrowRight" || e.key === "ArrowLeft") && state.doc) {
    const s = state.selection || takeSelection();
    if (!s) return;
    e.preventDefault();
    const forward = e.key === "ArrowRight";
    let { start, end } = s;
    if (e.altKey) start = wordStep(start, forward); else end = wordStep(end, forward);
    const snapped = snap(Math.min(start, end - 1), end);
    if (snapped) select(snapped.start, snapped.end);
    return;
  }
  if (e.key === "c") { e.preventDefault(); openPicker(); }
  else if (/^[1-9]$/.test(e.key) && state.recent[+e.key - 1]) { e.preventDefault(); codeSelection([state.recent[+e.key - 1]], {}); }
  else if (e.key === "j" || e.key === "k") { e.preventDefault(); focusTurn(e.key === "j" ? 1 : -1); }
  else if (e.key === "s") {
    const turn = document.activeElement.closest && document.activeElement.closest(".turn");
    if (turn) {
      e.preventDefault();
      const w = turn.querySelector(".words");
      const start = +w.dataset.start;
      const s = snap(start, start + cpLength(w.textContent));
      if (s) select(s.start, s.end);
    }
  }
  else if (e.key === "/") { e.preventDefault(); $("q").focus(); }
  else if (e.key === "f") { e.preventDefault(); $("code-filter").focus(); }
  else if (e.key === "?") { e.preventDefault(); $("help").showModal(); }
});
$("code-button").addEventListener("click", () => openPicker());
$("help-button").addEventListener("click", () => $("help").showModal());

refresh().then(() => setTimeout(poll, 1500));
