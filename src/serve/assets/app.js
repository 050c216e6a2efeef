// The coding workspace. Everything shown comes from the JSON API, and every change is a
// request that writes the analysis folder; after each one the page reads the files again.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { codes: [], palette: new Map(), doc: null, selection: null, pick: 0, chosen: new Set() };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
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
  if (!res.ok) throw new Error(data.error || res.statusText);
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

async function loadDocuments() {
  const data = await api("GET", "/api/documents");
  if (!$("coder").value) $("coder").value = data.coder || (data.coders.length === 1 ? data.coders[0] : "");
  const list = $("document-list");
  list.replaceChildren(...data.documents.map((d) => {
    const progress = Object.entries(d.codings).map(([c, n]) => `${c}: ${n}`).join(", ");
    const who = [d.participant, d.group, d.format].filter(Boolean).join(" · ");
    return el("li", {}, el("button", {
      type: "button", "data-open": d.id, "aria-current": state.doc && state.doc.id === d.id ? "true" : null,
      onclick: () => openDocument(d.id),
    }, d.id, el("small", {}, who), el("small", {}, progress || "not coded yet")));
  }));
}

async function loadCodebook() {
  const book = await api("GET", "/api/codebook");
  state.codes = [];
  const code = (c) => {
    state.codes.push(c);
    const tip = [c.definition, ...c.include.map((i) => "include: " + i), ...c.exclude.map((x) => "exclude: " + x)].join("\n");
    return el("li", { class: "codebook-code", "data-code": c.id, title: tip, tabindex: 0 },
      el("span", {}, el("span", { class: "bar-key " + colour(c.id), "aria-hidden": "true" }, " "), " ", c.id),
      el("span", { class: "count", "aria-label": `${c.count} codings` }, c.count));
  };
  const category = (k) => el("details", { open: true }, el("summary", { title: k.description }, k.name), el("ul", {}, k.codes.map(code)));
  const tree = [
    ...book.themes.map((t) => el("details", { open: true }, el("summary", { title: t.description }, el("strong", {}, t.name)),
      t.categories.map(category), el("ul", {}, t.codes.map(code)))),
    ...book.categories.map(category),
  ];
  if (book.codes.length) tree.push(el("details", { open: true }, el("summary", {}, "Unsorted"), el("ul", {}, book.codes.map(code))));
  $("codebook-tree").replaceChildren(...tree);
}

async function openDocument(id, at) {
  let doc;
  try {
    doc = await api("GET", "/api/documents/" + id.split("/").map(encodeURIComponent).join("/"));
  } catch (e) {
    return status(e.message, true);
  }
  state.doc = doc;
  const chars = Array.from(doc.text);
  const slice = (s, e) => chars.slice(s, e).join("");
  const turns = doc.turns.length ? doc.turns : [{ label: "", speaker: "", start: 0, end: chars.length, time: null }];
  const view = el("div", { "data-document": doc.id });
  turns.forEach((t, i) => {
    const bars = el("div", { class: "margin" });
    for (const c of doc.codings.filter((c) => c.start < t.end && c.end > t.start)) {
      for (const code of c.codes) {
        bars.append(el("span", { class: "bar " + colour(code), title: `${code} (${c.coder}): ${c.quote || ""}` }, code));
      }
    }
    view.append(el("div", { class: "turn " + t.speaker, "data-turn": i, "data-start": t.start, "data-end": t.end },
      el("div", { class: "who" }, t.label, t.time ? el("div", {}, t.time) : "", t.speaker === "interviewer" ? el("div", {}, "(interviewer)") : ""),
      el("div", { class: "words", "data-start": t.start }, slice(t.start, t.end)),
      bars));
  });
  const codings = el("ul", { class: "codings", "aria-label": "Codings in this document" },
    doc.codings.map((c) => el("li", {
      "data-coding": `${c.coder}:${c.line}`, "data-codes": c.codes.join(";"), "data-coder": c.coder,
      "data-start": c.start, "data-end": c.end,
    }, `${c.codes.join("; ")} · ${c.coder} · line ${c.line}: “${slice(c.start, c.end)}” `, c.memo ? el("em", {}, c.memo, " ") : "",
    el("button", { type: "button", onclick: () => removeCoding(c) }, "Remove"))));
  $("results").hidden = true;
  $("document-view").replaceChildren(el("h2", {}, doc.id), view, el("h3", {}, "Codings"), codings);
  document.querySelectorAll("#document-list button").forEach((b) => b.setAttribute("aria-current", b.dataset.open === doc.id ? "true" : "false"));
  if (at !== undefined) {
    const turn = [...view.querySelectorAll("[data-turn]")].find((t) => +t.dataset.start <= at && at < +t.dataset.end);
    if (turn) { turn.scrollIntoView({ block: "center" }); turn.tabIndex = -1; turn.focus(); }
  }
}

// The selection as characters of the document's text (Unicode scalar values).
function currentSelection() {
  const sel = window.getSelection();
  if (!sel || sel.isCollapsed || !state.doc) return null;
  const r = sel.getRangeAt(0);
  const offset = (node, off) => {
    const words = (node.nodeType === 1 ? node : node.parentElement).closest(".words");
    if (!words) return null;
    const pre = document.createRange();
    pre.setStart(words, 0);
    pre.setEnd(node, off);
    return +words.dataset.start + Array.from(pre.toString()).length;
  };
  const start = offset(r.startContainer, r.startOffset);
  const end = offset(r.endContainer, r.endOffset);
  if (start === null || end === null || end <= start) return null;
  return { start, end, text: sel.toString() };
}

document.addEventListener("selectionchange", () => {
  state.selection = currentSelection();
  $("code-button").hidden = !state.selection;
});

function openPicker() {
  const s = state.selection || currentSelection();
  if (!s) return status("Select a passage first.", true);
  state.selection = s;
  state.chosen = new Set();
  state.pick = 0;
  $("picker-filter").value = "";
  $("picker-memo").value = "";
  $("picker-quote").textContent = "“" + s.text + "”";
  renderPicker();
  $("picker").showModal();
  $("picker-filter").focus();
}

function pickerMatches() {
  const f = $("picker-filter").value.trim().toLowerCase();
  return state.codes.filter((c) => !f || c.id.toLowerCase().includes(f) || c.definition.toLowerCase().includes(f));
}

function renderPicker() {
  const matches = pickerMatches();
  state.pick = Math.max(0, Math.min(state.pick, matches.length - 1));
  $("picker-list").replaceChildren(...matches.map((c, i) => el("li", {
    role: "option", id: "pick-" + i, "data-code": c.id, "aria-selected": i === state.pick ? "true" : "false",
    class: state.chosen.has(c.id) ? "chosen" : "", title: c.definition,
    onclick: () => { state.chosen.has(c.id) ? state.chosen.delete(c.id) : state.chosen.add(c.id); renderPicker(); },
  }, c.id)));
  $("picker-filter").setAttribute("aria-activedescendant", matches.length ? "pick-" + state.pick : "");
}

$("picker-filter").addEventListener("input", () => { state.pick = 0; renderPicker(); });
$("picker-filter").addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown") { state.pick++; renderPicker(); e.preventDefault(); }
  else if (e.key === "ArrowUp") { state.pick = Math.max(0, state.pick - 1); renderPicker(); e.preventDefault(); }
  else if (e.key === "Enter") { e.preventDefault(); applyCodes(true); }
});
$("picker-form").addEventListener("submit", (e) => { e.preventDefault(); applyCodes(false); });
$("picker-cancel").addEventListener("click", () => $("picker").close());
$("code-button").addEventListener("click", openPicker);

async function applyCodes(withHighlighted) {
  const codes = new Set(state.chosen);
  const top = pickerMatches()[state.pick];
  if ((withHighlighted || codes.size === 0) && top) codes.add(top.id);
  if (!codes.size) return;
  $("picker").close();
  const s = state.selection;
  try {
    const r = await api("POST", "/api/codings", {
      document: state.doc.id, start: s.start, end: s.end, codes: [...codes],
      memo: $("picker-memo").value, coder: $("coder").value,
    });
    status(`${r.file}:${r.line}: coded with ${[...codes].join("; ")}`);
  } catch (e) {
    status(e.message, true);
  }
  await refresh(s.start);
}

async function removeCoding(c) {
  try {
    const r = await api("DELETE", "/api/codings", { document: state.doc.id, coder: c.coder, line: c.line, quote: c.quote, codes: c.codes });
    status(`${r.file}:${c.line}: removed`);
  } catch (e) {
    status(e.message, true);
  }
  await refresh();
}

async function refresh(at) {
  await Promise.all([loadDocuments(), loadCodebook()]);
  if (state.doc) await openDocument(state.doc.id, at);
}

$("search").addEventListener("submit", async (e) => {
  e.preventDefault();
  const q = $("q").value.trim();
  if (!q) return;
  try {
    const r = await api("GET", "/api/search?q=" + encodeURIComponent(q));
    $("results").replaceChildren(el("h2", {}, `${r.hits.length} hits for “${q}”`), el("ul", {}, r.hits.map((h) =>
      el("li", { class: "hit" }, el("button", { type: "button", onclick: () => openDocument(h.document, h.start) },
        `${h.document} (${h.label}): …${h.left}`, el("b", {}, h.matched), `${h.right}…`)))));
    $("results").hidden = false;
  } catch (err) {
    status(err.message, true);
  }
});

document.addEventListener("keydown", (e) => {
  const typing = e.target.closest && e.target.closest("input, textarea, dialog");
  if (!typing && e.key === "c" && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); openPicker(); }
});

// The page follows the files: read them again when it is looked at again.
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });

refresh().catch((e) => status(e.message, true));
