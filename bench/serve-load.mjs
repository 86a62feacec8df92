// Load test of `nianbao serve` (issue 17): UNITS units (50) at once, each with its own
// session, for SECONDS (30, at most 60) on loopback: every unit changes a number of
// its report and checks it as the editor does while a clerk types (a change every
// THINK ms, 300 by default: the editor checks 150 ms after the last key, so a fast
// typist makes about three checks a second), saves every SAVE_EVERY-th change (5),
// and previews (typesets) one saved version in PREVIEW_EVERY (10: every 15 s a unit, on
// average, at random moments) — all 50 typing at once, without pause.
// THINK=0 drives the server as fast as it answers (a stress test, not the goal's load). Latencies of each kind of
// request are reported as p50/p95/max; at the end every unit's latest version must
// hold the last number it saved (no lost or mixed-up save), and its version count
// must match the saves acknowledged.
//
// Usage: node bench/serve-load.mjs BASE_URL OFFICE_PASSWORD [UNITS] [SECONDS]
// (bench/serve.sh starts a release server on a fresh data folder and runs this.)

const [base, officePassword, unitsArg, secondsArg] = process.argv.slice(2);
if (!base || !officePassword) {
  console.log("usage: node bench/serve-load.mjs BASE_URL OFFICE_PASSWORD [UNITS] [SECONDS]");
  process.exit(2);
}
const UNITS = Number(unitsArg || 50);
const SECONDS = Math.min(Number(secondsArg || 30), 60);
const THINK = Number(process.env.THINK ?? 300);
const SAVE_EVERY = Number(process.env.SAVE_EVERY ?? 5);
const PREVIEW_EVERY = Number(process.env.PREVIEW_EVERY ?? 10);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// A fixed pseudo-random sequence (the same run each time): which saves are previewed.
let seed = 17;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

async function call(session, method, path, body) {
  const headers = {};
  if (session) {
    headers.Cookie = session.cookie;
    if (method !== "GET") headers["X-CSRF-Token"] = session.csrf;
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const started = performance.now();
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const ms = performance.now() - started;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  const json = (r.headers.get("content-type") || "").includes("json") && text ? JSON.parse(text) : null;
  return { ms, json, text, headers: r.headers };
}

async function login(user, password) {
  const r = await fetch(base + "/api/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ user, password }),
  });
  if (!r.ok) throw new Error(`login ${user}: ${r.status}`);
  return { cookie: r.headers.get("set-cookie").split(";")[0], csrf: (await r.json()).csrf };
}

const office = await login("office", officePassword);
const units = [];
for (let n = 0; n < UNITS; n++) {
  const user = `load-${n}`;
  await call(office, "POST", "/api/units", { user, organ: `负载测试县第${n}局`, password: "load-password-1" });
}
await Promise.all(Array.from({ length: UNITS }, async (_, n) => {
  const s = await login(`load-${n}`, "load-password-1");
  const started = await call(s, "POST", "/api/reports", { year: 2025 });
  const detail = await call(s, "GET", `/api/reports/${started.json.id}`);
  units[n] = { n, s, id: started.json.id, data: detail.json.data, saves: 0, lastSaved: null, version: detail.json.version };
}));
console.log(`${UNITS} units logged in, each with a report; running ${SECONDS} s, a change every ${THINK} ms`);

const lat = { check: [], save: [], preview: [], page: [] };
const deadline = performance.now() + SECONDS * 1000;
let failures = 0;
await Promise.all(units.map(async (u) => {
  let change = 0;
  // The units start spread over one pause, as people do not type in step.
  await pause(random() * THINK);
  while (performance.now() < deadline) {
    if (THINK > 0) await pause(THINK);
    change++;
    const marker = u.n * 100000 + change;
    u.data.applications.new = [marker, 0, 0, 0, 0, 0];
    try {
      const c = await call(u.s, "POST", `/api/reports/${u.id}/check`, { data: u.data });
      lat.check.push(c.ms);
      if (c.json.totals["applications.new"][6] !== marker) { failures++; console.log(`unit ${u.n}: the check answered another report's totals`); }
      if (change % SAVE_EVERY === 0) {
        const saved = await call(u.s, "PUT", `/api/reports/${u.id}`, { data: u.data, base_version: u.version });
        lat.save.push(saved.ms);
        u.version = saved.json.version;
        u.saves++;
        u.lastSaved = marker;
        if (PREVIEW_EVERY > 0 && random() < 1 / PREVIEW_EVERY) {
          const p = await call(u.s, "GET", `/api/reports/${u.id}/preview?version=${u.version}`);
          lat.preview.push(p.ms);
          const page = await call(u.s, "GET", p.json.pages[0]);
          lat.page.push(page.ms);
          if (!page.text.startsWith("<svg")) { failures++; console.log(`unit ${u.n}: the page is not an SVG image`); }
        }
      }
    } catch (e) { failures++; console.log(`unit ${u.n}: ${e.message}`); }
  }
}));

// No lost or mixed-up save: each unit's report holds its own last saved number.
for (const u of units) {
  const now = await call(u.s, "GET", `/api/reports/${u.id}`);
  const versions = await call(u.s, "GET", `/api/reports/${u.id}/versions`);
  if (u.lastSaved !== null && now.json.data.applications.new[0] !== u.lastSaved) { failures++; console.log(`unit ${u.n}: last save lost or mixed up`); }
  if (now.json.report.organ !== `负载测试县第${u.n}局`) { failures++; console.log(`unit ${u.n}: another unit's report`); }
  if (versions.json.length !== u.saves + 1) { failures++; console.log(`unit ${u.n}: ${versions.json.length} versions for ${u.saves} saves`); }
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
console.log(`${"request".padEnd(22)} ${"count".padStart(6)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)}`);
for (const [name, label] of [["check", "check (POST …/check)"], ["save", "save (PUT)"], ["preview", "preview (typeset)"], ["page", "preview page (SVG)"]]) {
  const xs = lat[name];
  console.log(`${label.padEnd(22)} ${String(xs.length).padStart(6)} ${pct(xs, 50).toFixed(1).padStart(8)} ${pct(xs, 95).toFixed(1).padStart(8)} ${Math.max(...xs).toFixed(1).padStart(8)}`);
}
console.log(`saves acknowledged: ${units.reduce((a, u) => a + u.saves, 0)}; failures: ${failures}`);
process.exit(failures ? 1 : 0);
