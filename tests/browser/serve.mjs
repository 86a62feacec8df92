// The web app in a real browser: Debian's Chromium driven by playwright-core, against
// a running `nianbao serve` whose office password is NIANBAO_OFFICE_PASSWORD.
//
// 1. The office creates a unit over the API (as another system would).
// 2. In the browser, the unit logs in through the login form and starts its report.
// 3. In table 三 it types a 总计 that is not the row's sum: the R3 message appears at
//    that cell; it clears it: the message goes. It types a wrong （七）总计 自然人: R4 at
//    that cell; it fixes it: gone. Live totals show in the blank 总计 cells.
// 4. It saves, downloads the PDF (the bytes are a PDF), and the office's page lists
//    the unit with its status.
// 5. axe-core (WCAG 2.1 A/AA) on the editor and the office page: no violation; no
//    Content-Security-Policy violation in the console; screenshots of the form page at
//    1366×768 and 390 px (a phone) go to OUT_DIR.
//
// Usage: NODE_PATH=<dir with node_modules> NIANBAO_OFFICE_PASSWORD=… node tests/browser/serve.mjs BASE_URL OUT_DIR
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "x.js"));
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.log("usage: node serve.mjs BASE_URL OUT_DIR");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
let failed = 0;
const fail = (what) => { failed++; console.log("FAIL: " + what); };

// ---- 1. the office makes a unit, over the API.
async function login(user, password) {
  const r = await fetch(base + "/api/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user, password }),
  });
  if (!r.ok) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.get("set-cookie").split(";")[0];
  const { csrf } = await r.json();
  return { cookie, csrf };
}
const office = await login("office", process.env.NIANBAO_OFFICE_PASSWORD);
const unitUser = "browser-" + Date.now().toString(36);
const unitPassword = "browser-pass-1";
const organ = "浏览器测试县某局" + unitUser.slice(8);
{
  const r = await fetch(base + "/api/units", {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: office.cookie, "X-CSRF-Token": office.csrf },
    body: JSON.stringify({ user: unitUser, organ, password: unitPassword }),
  });
  if (r.status !== 201) throw new Error(`create unit: ${r.status} ${await r.text()}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
const tab = await context.newPage();
const cspErrors = [];
tab.on("console", (m) => { if (/Content.Security.Policy/i.test(m.text())) cspErrors.push(m.text()); });
tab.on("pageerror", (e) => fail("script error: " + e.message));

async function axe(name) {
  // Evaluated through the debugging protocol: the page's own policy forbids any
  // script but its own (addScriptTag is refused by it, as it should be).
  await tab.evaluate(fs.readFileSync(axePath, "utf8"));
  const result = await tab.evaluate(async () =>
    await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  for (const v of result.violations) {
    fail(`${name}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target}`);
  }
  console.log(`${name}: ${result.violations.length} accessibility violations, ${result.passes.length} rules passed`);
}

// ---- 2. the unit logs in and starts its report.
await tab.goto(base + "/");
await tab.fill("#login-user", unitUser);
await tab.fill("#login-password", unitPassword);
await tab.click("button[type=submit]");
await tab.waitForSelector("#new-year");
await tab.fill("#new-year", "2025");
await tab.click("#start-report");
await tab.waitForSelector("table#table-applications", { timeout: 15000 }).catch(async (e) => {
  await tab.screenshot({ path: path.join(outDir, "serve-failed.png"), fullPage: true });
  console.log(await tab.locator("main").textContent());
  throw e;
});
console.log("unit logged in, report started, editor open");

const cell = (p, i) => `input[data-path="${p}"][data-index="${i}"]`;
const messageAt = async (p, i) =>
  (await tab.locator(cell(p, i)).locator("xpath=..").textContent()) || "";

// ---- 3. a wrong 总计 in a row of table 三: R3 at that cell.
const grantedTotal = cell("applications.granted", 6);
await tab.fill(cell("applications.new", 0), "3");
await tab.fill(cell("applications.granted", 0), "3");
await tab.waitForFunction((sel) => document.querySelector(sel).placeholder === "3", grantedTotal);
console.log("live 总计: the blank 总计 of （一）予以公开 shows 3 as typed in 自然人");
await tab.fill(grantedTotal, "5");
await tab.waitForFunction((sel) => /R3/.test(document.querySelector(sel).parentElement.textContent), grantedTotal, { timeout: 10000 })
  .catch(() => fail("no R3 message at the 总计 cell of （一）予以公开"));
const r3 = await messageAt("applications.granted", 6);
console.log("R3 at the cell: " + r3);
const listed = await tab.locator("#diagnostics").textContent();
if (!/R3 应为 3/.test(r3) || !/总计应为本行各栏之和 3，实为 5/.test(r3) || !/总计应为本行各栏之和 3，实为 5/.test(listed)) {
  fail("R3 message does not give the sum: " + r3);
  console.log(await tab.evaluate(() => JSON.stringify(editor.data.applications)));
}
if ((await tab.getAttribute(grantedTotal, "aria-invalid")) !== "true") fail("the R3 cell is not marked aria-invalid");
await tab.screenshot({ path: path.join(outDir, "serve-form-r3-1366.png") });
await tab.fill(grantedTotal, "");
await tab.waitForFunction((sel) => !/R3/.test(document.querySelector(sel).parentElement.textContent), grantedTotal, { timeout: 10000 })
  .catch(() => fail("the R3 message stayed after the 总计 was cleared"));
console.log("R3 gone once the 总计 is left to be computed");

// （七）总计 自然人 typed wrong: R4 at that cell; typed right: gone.
const total0 = cell("applications.total", 0);
await tab.fill(total0, "9");
await tab.waitForFunction((sel) => /R4/.test(document.querySelector(sel).parentElement.textContent), total0, { timeout: 10000 })
  .catch(() => fail("no R4 message at （七）总计 自然人"));
console.log("R4 at the cell: " + (await messageAt("applications.total", 0)));
await tab.locator(total0).scrollIntoViewIfNeeded();
await tab.screenshot({ path: path.join(outDir, "serve-form-r4-1366.png") });
await tab.fill(total0, "3");
await tab.waitForFunction((sel) => !/R4/.test(document.querySelector(sel).parentElement.textContent), total0, { timeout: 10000 })
  .catch(() => fail("the R4 message stayed after the （七）总计 was fixed"));
console.log("R4 gone once （七）总计 自然人 is 3");

// Typed but not saved, then the page closed and opened again: the draft kept in the
// browser is offered back, and restored.
tab.on("dialog", (d) => d.accept().catch(() => {}));
await tab.fill(cell("applications.carried_over", 1), "0");
await tab.fill(cell("applications.new", 1), "7");
await tab.fill(cell("applications.granted", 1), "7");
await tab.fill(cell("applications.total", 1), "7");
await tab.waitForFunction(() => /有未保存的修改/.test(document.getElementById("save-state").textContent));
const editorUrl = tab.url();
await tab.goto(base + "/#/");
await tab.goto(editorUrl);
await tab.reload();
await tab.waitForSelector("text=恢复这些修改", { timeout: 15000 }).catch(() => fail("no draft offered after reopening"));
if ((await tab.inputValue(cell("applications.new", 1))) !== "0") fail("the page did not open on the saved version");
await tab.click("text=恢复这些修改");
await tab.waitForSelector("table#table-applications");
if ((await tab.inputValue(cell("applications.new", 1))) !== "7") fail("the draft was not restored");
else console.log("draft: typed, page reopened, offered and restored");

// A prose item: its text and 1. 2. sub-items, typed into the （二） block of 一、总体情况.
await tab.fill("#f-overview-1--text", "全年主动公开政府信息120条。");
await tab.fill("#f-overview-1--items", "第一项\n第二项");

// At 1366 px every table of the form fits its column (none scrolls sideways).
for (const id of ["table-active_disclosure", "table-applications", "table-reviews_and_lawsuits"]) {
  const [wide, room] = await tab.evaluate((id) => {
    const t = document.getElementById(id);
    return [t.scrollWidth, t.parentElement.clientWidth];
  }, id);
  if (wide > room) fail(`${id} is ${wide}px wide in ${room}px at 1366 px`);
}

// ---- 4. save, and download the PDF.
await tab.waitForFunction(() => /没有发现问题|0 个错误/.test(document.getElementById("check-summary").textContent), null, { timeout: 15000 })
  .catch(async () => fail("errors left before saving: " + await tab.locator("#diagnostics").textContent()));
await tab.click("#save");
await tab.waitForFunction(() => /已保存：第 2 版/.test(document.getElementById("save-state").textContent), null, { timeout: 15000 })
  .catch(() => fail("the save did not become version 2"));
// What was saved is the data the form shows: the item with its title, text and sub-items.
const saved = await tab.evaluate(async () => {
  const id = location.hash.match(/report\/(\d+)/)[1];
  return (await (await fetch(`/api/reports/${id}`)).json()).data;
});
const item = saved.overview[1];
if (item.title !== "主动公开" || item.text !== "全年主动公开政府信息120条。" || JSON.stringify(item.items) !== '["第一项","第二项"]') {
  fail("the prose item was saved as " + JSON.stringify(item));
}
if (saved.applications.granted[6] !== undefined || saved.applications.total[0] !== 3) {
  fail("the table was saved as " + JSON.stringify(saved.applications));
}
console.log("saved: the prose item with its sub-items, table 三 as typed");
const [download] = await Promise.all([tab.waitForEvent("download", { timeout: 60000 }), tab.click("a.button:text-is('PDF')")]);
const pdfPath = path.join(outDir, "serve-download.pdf");
await download.saveAs(pdfPath);
const head = fs.readFileSync(pdfPath).subarray(0, 5).toString();
if (head !== "%PDF-") fail("the download is not a PDF: " + head);
console.log(`PDF downloaded: ${download.suggestedFilename()}, ${fs.statSync(pdfPath).size} bytes`);

// The preview: page images from the same typeset pages.
await tab.click("#preview-button");
await tab.waitForSelector("#preview-pages img", { timeout: 60000 });
const loaded = await tab.evaluate(async () => {
  const imgs = [...document.querySelectorAll("#preview-pages img")];
  await Promise.all(imgs.map((i) => i.decode().catch(() => null)));
  return imgs.map((i) => i.naturalWidth);
});
if (loaded.length === 0 || loaded.some((w) => w === 0)) fail("preview pages did not load: " + loaded);
console.log(`preview: ${loaded.length} page images`);
await axe("editor");
await tab.evaluate(() => window.scrollTo(0, 0));
await tab.screenshot({ path: path.join(outDir, "serve-form-1366.png") });
await tab.setViewportSize({ width: 390, height: 844 });
await tab.locator("#table-applications").scrollIntoViewIfNeeded();
await tab.screenshot({ path: path.join(outDir, "serve-form-390.png") });
const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
if (overflow > 0) fail(`the editor scrolls sideways by ${overflow}px on a phone`);

// ---- 5. the office sees the unit and its status.
await context.clearCookies();
await tab.setViewportSize({ width: 1366, height: 768 });
await tab.goto(base + "/#/");
await tab.reload();
await tab.fill("#login-user", "office");
await tab.fill("#login-password", process.env.NIANBAO_OFFICE_PASSWORD);
await tab.click("button[type=submit]");
await tab.fill("#office-year", "2025");
await tab.click("#office-load");
await tab.waitForSelector("#audit-units");
const row = await tab.locator("#audit-units tr", { hasText: organ }).textContent({ timeout: 15000 });
if (!/有警告|通过|有错误/.test(row)) fail("the office does not see the unit's status: " + row);
console.log("office: " + row);
await axe("office");
await tab.screenshot({ path: path.join(outDir, "serve-office-1366.png"), fullPage: true });

for (const e of cspErrors) fail("CSP: " + e);
await browser.close();
console.log(failed ? `${failed} failure(s)` : "browser: all passed");
process.exit(failed ? 1 : 0);
