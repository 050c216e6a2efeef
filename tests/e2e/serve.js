// Drives `thematic serve` in headless Chromium as a coder would, checking the files on disk
// after each step. Run by tests/integration/browser.rs (and bench/serve.sh with MODE=bench).
//
//   THEMATIC_URL      the address `thematic serve` printed (with its token)
//   THEMATIC_PROJECT  the analysis folder it serves (a copy: this script edits it)
//   THEMATIC_BIN      the thematic binary, for `thematic check`
//   SCREENSHOT        where to save a screenshot of the document view (optional)
//   MODE              `test` (default), `grid` (the survey grid, on a folder with the survey
//                     `pulse` of tests/integration/surveys.rs), `typing` (its filter box, on
//                     that survey grown to 214 respondents) or `bench`: time rendering,
//                     coding and listing
//   CHROMIUM          the browser (default /usr/bin/chromium)
"use strict";

const { chromium } = require("playwright-core");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const url = process.env.THEMATIC_URL;
const project = process.env.THEMATIC_PROJECT;
const mode = process.env.MODE || "test";
const sheet = () => {
  try { return fs.readFileSync(path.join(project, "coding", "ben.csv"), "utf8"); } catch { return ""; }
};

function check(ok, what) {
  if (!ok) throw new Error("failed: " + what + "\nthe sheet ends:\n" + sheet().split("\n").slice(-4).join("\n"));
  console.log("ok: " + what);
}

async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "thematic-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 900 },
  });
  context.on("close", () => {
    try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 }); } catch { /* Chromium may still be writing it: left in the temporary folder */ }
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => { console.error("page error: " + e.message); process.exitCode = 1; });
  return { context, page };
}

// Selects characters start..end of the open document with the mouse, as a coder would drag.
async function dragOnce(page, start, end) {
  const box = await page.evaluate(([start, end]) => {
    const point = (pos) => {
      const w = [...document.querySelectorAll("[data-document] .words")].find((w) => {
        const t = w.parentElement;
        return +t.dataset.start <= pos && pos <= +t.dataset.end;
      });
      let left = pos - +w.dataset.start;
      const walker = document.createTreeWalker(w, NodeFilter.SHOW_TEXT);
      let node;
      while ((node = walker.nextNode())) {
        const n = Array.from(node.data).length;
        if (left <= n) return { node, offset: Array.from(node.data).slice(0, left).join("").length };
        left -= n;
      }
      return null;
    };
    const a = point(start);
    a.node.parentElement.scrollIntoView({ block: "center" });
    const b = point(end);
    const r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(a.node, Math.min(a.offset + 1, a.node.length));
    const first = r.getClientRects()[0];
    const r2 = document.createRange();
    r2.setStart(b.node, Math.max(0, b.offset - 1));
    r2.setEnd(b.node, b.offset);
    const rects = r2.getClientRects();
    const last = rects[rects.length - 1];
    return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
  }, [start, end]);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(50);
}

async function drag(page, start, end) {
  for (let k = 0; k < 3; k++) {
    // Wait for the page's own writes and reads to finish, then drag; the selection must hold.
    await page.evaluate(() => window.thematic.state.queue);
    await dragOnce(page, start, end);
    const s = await page.evaluate(() => window.thematic.state.selection);
    if (s && s.start <= start && s.end >= end && s.end - s.start < end - start + 40) return;
    console.log(`retrying a drag that selected ${JSON.stringify(s)} for ${start}..${end}`);
  }
  throw new Error(`could not select ${start}..${end}`);
}

// Characters of the nth (1-based) occurrence of `quote` in a document's text.
async function place(page, doc, quote, nth = 1) {
  return page.evaluate(async ([doc, quote, nth]) => {
    const d = await (await fetch("/api/documents/" + doc)).json();
    let at = -1;
    for (let k = 0; k < nth; k++) at = d.text.indexOf(quote, at + 1);
    if (at < 0) throw new Error(`${quote} not in ${doc}`);
    const start = Array.from(d.text.slice(0, at)).length;
    return { start, end: start + Array.from(quote).length };
  }, [doc, quote, nth]);
}

async function lines(page) {
  return page.$$eval("[data-coding]", (els) => els.map((e) => e.dataset.coding));
}

function thematicCheck() {
  const r = spawnSync(process.env.THEMATIC_BIN, ["check", "-p", project], { encoding: "utf8" });
  return { code: r.status, problems: r.stdout.split("\n").filter((l) => /^(error|warning): /.test(l)) };
}

async function test() {
  const before = thematicCheck();
  const { context, page } = await launch();
  await page.goto(url);
  await page.click('[data-open="HS02"]');
  await page.waitForSelector('[data-document="HS02"] [data-turn]');
  check(await page.$$eval('[data-document="HS02"] .turn.interviewer', (t) => t.length) > 0, "interviewer turns are set apart");

  // Select from inside one word to inside another: the selection snaps to whole words.
  const p = await place(page, "HS02", "wellbeing coordinator, based at Eastgate");
  await drag(page, p.start + 3, p.end - 2);
  const before1 = await lines(page);
  await page.keyboard.press("c");
  await page.waitForSelector("#picker[open]");
  await page.keyboard.type("coloc");
  check((await page.$eval('#picker-list [aria-selected="true"]', (li) => li.dataset.code)) === "co-location", "the fuzzy picker finds co-location from `coloc`");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-coding]").length > n, before1.length);
  const added = (await lines(page)).find((l) => !before1.includes(l));
  check(sheet().includes('HS02,"wellbeing coordinator, based at Eastgate",co-location,'), "the row is in coding/ben.csv, snapped to whole words");
  check(await page.$(`[data-document="HS02"] .bar[data-code="co-location"][data-coder="ben"]`) !== null, "the coding is drawn as a margin bar with its label");
  check(await page.$(`[data-coding="${added}"][data-codes="co-location"]`) !== null, "the coding is listed with its codes");
  const after = thematicCheck();
  check(after.code === 0 && JSON.stringify(after.problems) === JSON.stringify(before.problems), "thematic check finds nothing new");

  // Change it: another code added with `;`, a memo and the exemplar mark.
  await page.click(`[data-edit="${added}"]`);
  await page.waitForSelector("#picker[open]");
  await page.keyboard.type("warm-hand");
  await page.keyboard.press(";");
  await page.fill("#picker-memo", "role first, place second");
  await page.check("#picker-exemplar");
  await page.click("#picker-apply");
  await page.waitForSelector(`[data-coding="${added}"][data-codes="co-location;warm-handover"]`);
  check(/HS02,"wellbeing coordinator, based at Eastgate",co-location;warm-handover,"role first, place second",yes/.test(sheet()), "codes, memo and exemplar changed in the row");
  await page.waitForSelector("#memo-list >> text=role first, place second");
  check(true, "the memo is in the memo panel");

  // Remove it, then undo: the row comes back; redo takes it away; undo again.
  const row = 'HS02,"wellbeing coordinator, based at Eastgate",co-location;warm-handover';
  await page.click(`[data-remove="${added}"]`);
  await page.waitForSelector(`[data-coding="${added}"]`, { state: "detached" });
  check(!sheet().includes(row), "remove takes the row out of the sheet");
  await page.focus("#view");
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-coding]")].some((e) => e.dataset.codes === "co-location;warm-handover"));
  check(sheet().includes(row + ',"role first, place second",yes'), "undo writes the row back, memo and mark too");
  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction(() => ![...document.querySelectorAll("[data-coding]")].some((e) => e.dataset.codes === "co-location;warm-handover"));
  check(!sheet().includes(row), "redo removes it again");
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-coding]")].some((e) => e.dataset.codes === "co-location;warm-handover"));
  check(sheet().includes(row), "undo once more brings it back");

  // A recent code on a number key.
  const y = await place(page, "HS02", "Two years in January.");
  await drag(page, y.start, y.end);
  const n = (await lines(page)).length;
  await page.keyboard.press("1");
  await page.waitForFunction((n) => document.querySelectorAll("[data-coding]").length > n, n);
  check(/HS02,Two years in January\.,(co-location|warm-handover),/.test(sheet()), "key 1 codes with the most recent code");

  // A passage that occurs twice: the second one is written with its occurrence.
  const twice = await place(page, "HS02", "lot of chasing", 2);
  await drag(page, twice.start, twice.end);
  const n2 = (await lines(page)).length;
  await page.keyboard.press("c");
  await page.waitForSelector("#picker[open]");
  await page.keyboard.type("workload-pressure");
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll("[data-coding]").length > n, n2);
  check(sheet().includes("HS02,lot of chasing,workload-pressure,,") && /HS02,lot of chasing,workload-pressure,,[^\n]*2\r?\n/.test(sheet()), "the second occurrence is written with occurrence 2");

  // A new code made on the spot, into a category of codebook.md.
  const bookBefore = fs.readFileSync(path.join(project, "codebook.md"), "utf8");
  const q = await place(page, "HS02", "the food bank, Mind, the recovery college");
  await drag(page, q.start, q.end);
  await page.keyboard.press("c");
  await page.waitForSelector("#picker[open]");
  await page.keyboard.type("named-services");
  await page.click("#picker-list [data-new]");
  await page.waitForSelector("#new-code:not([hidden])");
  await page.selectOption("#new-code-category", { index: 1 });
  await page.fill("#new-code-definition", "Services named as places people are sent.");
  await page.click("#picker-apply");
  await page.waitForFunction(() => [...document.querySelectorAll("[data-coding]")].some((e) => e.dataset.codes === "named-services"));
  check(fs.readFileSync(path.join(project, "codebook.md"), "utf8").includes("- `named-services` — Services named as places people are sent."), "the new code is in codebook.md");
  await page.waitForSelector('#codebook-tree [data-code="named-services"]');
  check(true, "and in the sidebar");
  // Undo takes out the coding and the code, the codebook byte for byte as it was; redo puts
  // both back.
  const bookNow = () => fs.readFileSync(path.join(project, "codebook.md"), "utf8");
  const withCode = bookNow();
  await page.click("#undo");
  await page.waitForFunction(() => !document.querySelector('#codebook-tree [data-code="named-services"]'));
  check(bookNow() === bookBefore && !sheet().includes("named-services"), "undo takes out the new code and its coding, codebook.md as it was");
  await page.click("#redo");
  await page.waitForSelector('#codebook-tree [data-code="named-services"]');
  check(bookNow() === withCode && sheet().includes("named-services"), "redo puts both back");
  const after2 = thematicCheck();
  check(after2.code === 0 && after2.problems.length === before.problems.length, "thematic check is still clean");

  // The sheet edited on disk: the page follows without a reload.
  const pad = ",".repeat(sheet().split("\n")[0].split(",").length - 4);
  fs.appendFileSync(path.join(project, "coding", "ben.csv"), `HS02,Before that I was in housing support for a charity,role-clarity,edited on disk${pad}\n`);
  await page.waitForFunction(() => [...document.querySelectorAll("[data-coding]")].some((e) => e.dataset.codes === "role-clarity" && e.dataset.coder === "ben"), null, { timeout: 10000 });
  check(true, "a row written on disk shows in the page");
  // A stale write is refused: the page's version of the sheet is older than the disk's.
  const stale = await page.evaluate(async () => {
    const v = window.thematic.state.doc.versions.ben;
    await new Promise((r) => setTimeout(r, 10));
    return v;
  });
  fs.appendFileSync(path.join(project, "coding", "ben.csv"), `HS02,Before that I was in housing support,role-clarity,${pad}\n`);
  const refused = await page.evaluate(async (v) => {
    const r = await fetch("/api/codings", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ document: "HS02", start: 0, end: 5, codes: ["co-location"], version: v }) });
    return r.status;
  }, stale);
  check(refused === 409, "a write over a sheet changed on disk is refused with 409");
  // A row written on disk that does not anchor is not drawn: the Problems panel says why.
  const rows = sheet();
  fs.appendFileSync(path.join(project, "coding", "ben.csv"), `HS02,Words nobody said here,role-clarity,${pad}\n`);
  await page.waitForFunction(() => [...document.querySelectorAll('#problem-list [data-problem="error"]')].some((e) => e.textContent.includes("quote not found in HS02")), null, { timeout: 10000 });
  check(true, "a row that does not anchor is listed among the problems, as check gives it");
  fs.writeFileSync(path.join(project, "coding", "ben.csv"), rows);
  await page.waitForFunction(() => !document.querySelector('#problem-list [data-problem="error"]'), null, { timeout: 10000 });
  check(true, "and leaves the list when the row is mended");

  // Codebook sidebar: filter, then a code's extracts, each linking to its place.
  await page.fill("#code-filter", "co-loc");
  check(await page.$eval('#codebook-tree [data-code="shared-values"]', (e) => e.hidden), "the codebook filter hides other codes");
  await page.click('#codebook-tree [data-extracts="co-location"]');
  await page.waitForSelector("#results .extract");
  await page.click("#results .extract button");
  await page.waitForSelector("#results", { state: "hidden" });
  check(true, "an extract opens its document at its place");

  // Search: a hit opens its document.
  await page.fill("#q", "chasing");
  await page.press("#q", "Enter");
  await page.waitForSelector("#results .hit");
  await page.click('#results .hit button[data-place^="HS02:"]');
  await page.waitForSelector('[data-document="HS02"]');
  check(true, "a search hit opens its document");

  // A coder toggle hides that coder's bars.
  await page.fill("#code-filter", "");
  await page.uncheck('[data-coder-toggle="ben"]');
  check(await page.$('[data-document="HS02"] .bar[data-coder="ben"]') === null, "hiding ben hides his bars");
  await page.check('[data-coder-toggle="ben"]');

  if (process.env.SCREENSHOT) {
    const t = await place(page, "HS02", "Then follow-ups");
    await drag(page, t.start, t.start + 15);
    await page.evaluate(() => { document.querySelector("#view").scrollTo(0, 0); window.scrollTo(0, 0); });
    await page.screenshot({ path: process.env.SCREENSHOT });
    console.log("screenshot: " + process.env.SCREENSHOT);
  }
  await context.close();
}

// Opens the page and its survey grid (the survey `pulse`) with the key g.
async function openGrid() {
  const { context, page } = await launch();
  await page.goto(url);
  await page.waitForSelector("#tabs:not([hidden])");
  await page.focus("#view");
  await page.keyboard.press("g");
  await page.waitForSelector('#grid[data-grid="pulse"] tbody tr');
  return { context, page };
}

// The survey grid: respondents × questions, sorted and filtered on the server; an answer coded
// whole from the grid (and undone), and opened in the document view to code a passage.
async function grid() {
  const { context, page } = await openGrid();
  check(await page.$eval("#tab-surveys", (t) => t.getAttribute("aria-selected") === "true" && document.activeElement === t), "key g opens the Surveys tab");
  const rows = () => page.$$eval("#grid tbody tr", (trs) => trs.map((tr) => tr.dataset.row).join(","));
  check(await rows() === "1043,1044,1045,1046", "the grid lists every respondent, by id");
  check(await page.$eval('#grid th[data-sort-key="respondent"]', (th) => th.getAttribute("aria-sort")) === "ascending", "the respondent column is sorted ascending");
  const cell = (r, q) => `#grid td[data-survey="pulse"][data-respondent="${r}"][data-question="${q}"]`;
  check(await page.$eval(cell("1043", "worked"), (td) => td.querySelector('[data-cell-code="trust"]').textContent.includes("amira")), "a cell shows its codes as labels with their coders");
  check(await page.$eval(cell("1046", "worked"), (td) => td.classList.contains("blank") && td.textContent.includes("no answer")), "a blank answer says so");
  check(await page.$eval("#grid thead", (h) => h.textContent.includes("What has worked well?")), "questions are headed by their labels");

  // Sort by region: ascending, then descending, ties by respondent id.
  await page.click('#grid th[data-sort-key="region"] button');
  await page.waitForSelector('#grid th[data-sort-key="region"][aria-sort="ascending"]');
  check(await rows() === "1043,1045,1044,1046", "sorted by region, ties by respondent");
  await page.click('#grid th[data-sort-key="region"] button');
  await page.waitForSelector('#grid th[data-sort-key="region"][aria-sort="descending"]');
  check(await rows() === "1044,1046,1043,1045", "sorted by region, descending");

  // Filter by an attribute's value.
  await page.selectOption('#grid-filters [data-filter="region"]', "North");
  await page.waitForFunction(() => document.querySelectorAll("#grid tbody tr").length === 2);
  check(await rows() === "1043,1045", "filtered to the North");
  check((await page.textContent("#grid-count")).includes("1–2 of 2"), "the count says 1–2 of 2");

  // A whole answer coded from the grid with the code picker, then undone and redone.
  const row = "pulse/1045/change,,funding";
  await page.focus(cell("1045", "change") + " [data-whole]");
  await page.keyboard.press("c");
  await page.waitForSelector("#picker[open]");
  check((await page.textContent("#picker-quote")).includes("Funding is short."), "the picker shows the whole answer");
  await page.keyboard.type("fund");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => (document.querySelector(sel + ' [data-cell-code="funding"]') || {}).textContent?.includes("ben"), cell("1045", "change"));
  check(sheet().includes(row + ","), "the whole answer is coded with an empty quote in coding/ben.csv");
  await page.keyboard.press("Control+z");
  await page.waitForFunction((sel) => !document.querySelector(sel + ' [data-cell-code="funding"]').textContent.includes("ben"), cell("1045", "change"));
  check(!sheet().includes(row), "undo removes the row");
  await page.keyboard.press("Control+Shift+z");
  await page.waitForFunction((sel) => document.querySelector(sel + ' [data-cell-code="funding"]').textContent.includes("ben"), cell("1045", "change"));
  check(sheet().includes(row + ","), "redo writes it again");

  // An answer opened from the grid is a document, coded as any other.
  await page.click(cell("1043", "worked") + " [data-answer]");
  await page.waitForSelector('[data-document="pulse/1043/worked"] [data-turn]');
  check(await page.$eval("#tab-document", (t) => t.getAttribute("aria-selected") === "true") && await page.$eval("#survey-view", (v) => v.hidden), "the answer opens in the document view");
  const p = await place(page, "pulse/1043/worked", "Trust between teams");
  await drag(page, p.start, p.end);
  await page.keyboard.press("c");
  await page.waitForSelector("#picker[open]");
  await page.keyboard.type("communication");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-coding][data-codes="communication"][data-coder="ben"]');
  check(sheet().includes("pulse/1043/worked,Trust between teams,communication,"), "a passage of the answer is coded as in a transcript");
  await page.focus("#view");
  await page.keyboard.press("g");
  await page.waitForFunction((sel) => !!document.querySelector(sel + ' [data-cell-code="communication"]'), cell("1043", "worked"));
  check(true, "back in the grid, the answer shows its new code");
  await context.close();
}

// MODE=typing: a filter box (an attribute with more values than the grid lists) keeps what
// the coder is typing when the folder is read again meanwhile (an outside edit).
async function typing() {
  const { context, page } = await openGrid();
  const box = '#grid-filters input[data-filter="postcode"]';
  check(!!(await page.$(box)), "an attribute with too many values to list is filtered with a box");
  await page.click(box);
  await page.keyboard.type("P01");
  // Another coder's row arrives on disk: the page reads the folder again.
  fs.appendFileSync(path.join(project, "coding", "amira.csv"), "pulse/1046/change,,funding\n");
  await page.waitForFunction(() => document.getElementById("status").textContent.includes("changed on disk"), null, { timeout: 10000 });
  check(await page.$eval(box, (b) => b.value === "P01" && document.activeElement === b && b.selectionStart === 3),
    "what is being typed in the filter box stays, with the focus and the caret");
  await page.keyboard.type("5");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("#grid tbody tr").length === 1);
  check(await page.$eval("#grid tbody tr", (tr) => tr.dataset.row) === "2015", "the filter typed on applies: one respondent");
  await context.close();
}

// MODE=bench: BIG names the long transcript, LIST the project of many documents.
async function bench() {
  const { context, page } = await launch();
  const out = {};
  await page.goto(url);
  await page.waitForSelector("[data-open]");
  const doc = process.env.BIG;
  if (doc) {
    // Timed inside the page: from the click (or Enter) to the DOM holding the result, so the
    // figures are the page's and the server's, not the test driver's.
    const renders = [];
    for (let k = 0; k < 5; k++) {
      const r = await page.evaluate(async (d) => {
        document.querySelector("#document-view").replaceChildren();
        window.thematic.state.doc = null;
        await new Promise((r) => setTimeout(r, 50));
        const t0 = performance.now();
        document.querySelector(`[data-open="${d}"]`).click();
        while (!document.querySelector(`[data-document="${d}"]`)) await new Promise((r) => setTimeout(r, 0));
        // Laid out, as it will be painted: reading a size makes the browser lay the text out now.
        void document.querySelector(`[data-document="${d}"]`).getBoundingClientRect().height;
        const t = window.thematic.timings;
        return { wall: performance.now() - t0, fetch: t.fetch, render: t.render };
      }, doc);
      renders.push(r);
    }
    out.open = renders;
    const applied = [];
    for (let k = 0; k < 5; k++) {
      const text = await page.evaluate(() => window.thematic.state.doc.text);
      const words = text.slice(10000 + k * 50000).match(/[A-Z][a-z]+ [a-z]+ [a-z]+/);
      const start = Array.from(text.slice(0, 10000 + k * 50000 + words.index)).length;
      await drag(page, start, start + words[0].length);
      await page.keyboard.press("c");
      await page.waitForSelector("#picker[open]");
      await page.keyboard.type(process.env.CODE || "trust");
      await page.evaluate(() => {
        const n = document.querySelectorAll("[data-coding]").length;
        window.__applied = new Promise((resolve) => {
          let t0 = null;
          document.addEventListener("keydown", () => { t0 = performance.now(); }, { capture: true, once: true });
          const seen = new MutationObserver(() => {
            if (document.querySelectorAll("[data-coding]").length > n) {
              seen.disconnect();
              void document.querySelector("[data-document]").getBoundingClientRect().height;
              resolve({ total: performance.now() - t0, before: window.thematic.timings.started - t0 });
            }
          });
          seen.observe(document.querySelector("#document-view"), { childList: true, subtree: true });
        });
      });
      await page.keyboard.press("Enter");
      const { total, before } = await page.evaluate(() => window.__applied);
      // The parts: from Enter to the write's start, the write's request, the version's and the
      // document's when asked for, and drawing it.
      const t = await page.evaluate(() => window.thematic.timings);
      applied.push({ total, before, write: t.write, version: t.version, fetch: t.fetch, render: t.render });
    }
    out.apply = applied;
  }
  if (process.env.LIST) {
    const lists = [];
    for (let k = 0; k < 3; k++) {
      await page.goto(url);
      await page.waitForFunction((n) => document.querySelectorAll("[data-open]").length >= n, +process.env.LIST, { timeout: 60000 });
      lists.push(await page.evaluate(() => window.thematic.timings.listed));
    }
    out.list = lists;
  }
  console.log(JSON.stringify(out));
  await context.close();
}

({ bench, grid, test, typing }[mode] || test)().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
