// Accessibility of the portal edition: every page given on the command line is
// opened in headless Chromium (Debian's, driven by playwright-core), axe-core checks
// it against WCAG 2.1 A/AA (tags wcag2a, wcag2aa, wcag21a, wcag21aa), and a
// screenshot is taken at 1280 px and at 320 px wide. At 320 px the page must not
// scroll sideways (the tables scroll inside their own box). Then the fragment beside
// each page (`<stem>.fragment.html`) is pasted into a contenteditable editor, as a
// CMS editor receives it (the browser's insertHTML, the command a paste runs), and
// every table cell with its row and column span must come through. Exit status 1 on
// any violation, overflow or lost cell.
//
// Usage: NODE_PATH=<dir with node_modules> node tests/browser/axe.mjs OUT_DIR PAGE.html...
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "x.js"));
const { chromium } = require("playwright-core");
const axePath = require.resolve("axe-core/axe.min.js");

const [outDir, ...pages] = process.argv.slice(2);
if (!outDir || pages.length === 0) {
  console.log("usage: node axe.mjs OUT_DIR PAGE.html...: no page given");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = 0;
for (const page of pages) {
  const name = path.basename(page, ".html");
  for (const width of [1280, 320]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const tab = await context.newPage();
    // No request may leave the page: anything but the file itself is refused.
    await tab.route("**/*", (route) =>
      route.request().url().startsWith("file://") ? route.continue() : route.abort());
    await tab.goto(pathToFileURL(path.resolve(page)).href);
    await tab.addScriptTag({ path: axePath });
    const result = await tab.evaluate(async () =>
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    for (const v of result.violations) {
      failed++;
      console.log(`${name} @${width}px: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.target}`);
    }
    const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) {
      failed++;
      console.log(`${name} @${width}px: the page scrolls sideways by ${overflow}px`);
    }
    await tab.screenshot({ path: path.join(outDir, `${name}-${width}.png`), fullPage: width === 320 ? false : true });
    console.log(`${name} @${width}px: ${result.violations.length} violations, ${result.passes.length} rules passed`);
    await context.close();
  }
}
for (const page of pages) {
  const fragmentPath = page.replace(/\.html$/, ".fragment.html");
  if (!fs.existsSync(fragmentPath)) {
    failed++;
    console.log(`${path.basename(fragmentPath)}: missing (render --to html,html-fragment)`);
    continue;
  }
  const fragment = fs.readFileSync(fragmentPath, "utf8");
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.route("**/*", (route) => route.abort());
  await tab.setContent('<!DOCTYPE html><html lang="zh-CN"><body><div id="editor" contenteditable="true"></div></body></html>');
  const result = await tab.evaluate((html) => {
    const spans = (root) => [...root.querySelectorAll("th, td")].map((c) =>
      `${c.tagName}:${c.rowSpan}x${c.colSpan}:${c.textContent.trim()}`);
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    const editor = document.getElementById("editor");
    editor.focus();
    document.execCommand("insertHTML", false, html);
    return { expected: spans(parsed), pasted: spans(editor), tables: editor.querySelectorAll("table").length };
  }, fragment);
  const same = result.expected.length > 0 && JSON.stringify(result.expected) === JSON.stringify(result.pasted);
  if (!same) {
    failed++;
    const first = result.expected.findIndex((c, i) => c !== result.pasted[i]);
    console.log(`${path.basename(fragmentPath)}: pasted cells differ from cell ${first}: ${result.expected[first]} / ${result.pasted[first]}`);
  }
  console.log(`${path.basename(fragmentPath)}: pasted into a contenteditable editor, ${result.tables} tables, ${result.pasted.length} of ${result.expected.length} cells with their spans`);
  await context.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
