// nianbao serve: the pages. Every view is drawn from the API's JSON; user text is
// only ever put into the page as text nodes or input values (never as markup).
import { state } from './state.js';
import { api } from './api.js';
import { el, toast, date, main, thisYear } from './dom.js';
import { splitPath, getAt, setAt, cellValue, shownValue, draftKey, rowLengths } from './formdata.js';

// ---------------------------------------------------------------- routing

async function route() {
  if (!state.session) {
    try { state.session = await api('GET', '/api/session'); } catch (e) { state.session = null; }
  }
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  if (!state.session) {
    who.textContent = '';
    logout.hidden = true;
    return showLogin();
  }
  who.textContent = `${state.session.organ}（${state.session.user}）`;
  logout.hidden = false;
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/report\/(\d+)$/);
  try {
    if (m) return await showEditor(Number(m[1]));
    if (state.session.role === 'office') return await showOffice();
    return await showUnitHome();
  } catch (e) {
    if (e.status === 401) return route();
    main(el('section', { class: 'card' }, el('p', { class: 'error-text', role: 'alert', text: e.message }),
      el('a', { href: '#/', text: '返回' })));
  }
}

window.addEventListener('hashchange', () => {
  if (editor && editor.dirty && !confirm('有未保存的修改（已暂存在本机浏览器），确定离开？')) return;
  editor = null;
  route();
});

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('POST', '/api/logout'); } catch (e) { /* already out */ }
    state.session = null;
    location.hash = '#/';
    route();
  });
  route();
});

// ---------------------------------------------------------------- login

function showLogin() {
  const user = el('input', { type: 'text', name: 'user', id: 'login-user', autocomplete: 'username', autocapitalize: 'off', spellcheck: 'false', required: true });
  const password = el('input', { type: 'password', name: 'password', id: 'login-password', autocomplete: 'current-password', required: true });
  const message = el('p', { class: 'error-text', role: 'alert' });
  const form = el('form', {
    class: 'card', onsubmit: async (ev) => {
      ev.preventDefault();
      message.textContent = '';
      try {
        state.session = await api('POST', '/api/login', { user: user.value.trim(), password: password.value });
        route();
      } catch (e) { message.textContent = e.message; }
    },
  },
  el('h1', { text: '登录' }),
  el('label', { for: 'login-user' }, el('span', { text: '用户名' }), user),
  el('label', { for: 'login-password' }, el('span', { text: '密码' }), password),
  message,
  el('button', { type: 'submit', text: '登录' }));
  main(el('section', { class: 'card' }, form));
  user.focus();
}

// ---------------------------------------------------------------- a unit's reports

function statusCell(status) {
  return el('td', { class: 'status-' + status, text: status });
}

async function showUnitHome() {
  const reports = await api('GET', '/api/reports');
  const list = reports.length === 0
    ? el('p', { text: '还没有报告。新建一份，或上传已有的文件。' })
    : el('div', { class: 'scroll' }, el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ['年度', '状态', '错误', '警告', '版本', '保存时间', ''].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, reports.map((r) => el('tr', {},
        el('td', { text: `${r.year} 年度` }), statusCell(r.status), el('td', { text: r.errors }), el('td', { text: r.warnings }),
        el('td', { text: `第 ${r.version} 版` }), el('td', { text: date(r.saved) }),
        el('td', {}, el('a', { href: `#/report/${r.id}`, text: '打开' })))))));
  const year = el('input', { type: 'number', id: 'new-year', min: 2019, max: 2099, value: String(thisYear() - 1) });
  const startMsg = el('p', { class: 'error-text', role: 'alert' });
  const start = el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const r = await api('POST', '/api/reports', { year: Number(year.value) });
        location.hash = `#/report/${r.id}`;
      } catch (e) { startMsg.textContent = e.message; }
    },
  }, el('h2', { text: '新建报告' }), el('div', { class: 'row' }, el('label', { for: 'new-year' }, '年度 ', year), el('button', { type: 'submit', id: 'start-report', text: '新建' })), startMsg);
  // What may be uploaded is the server's one list of file kinds.
  if (!state.fileKinds) state.fileKinds = await api('GET', '/api/file-kinds');
  const kindsOf = (role) => state.fileKinds.kinds.filter((k) => k.role === role)
    .map((k) => `${k.name}（${k.extensions.map((x) => '.' + x).join(' ')}）`).join('、');
  const file = el('input', { type: 'file', id: 'upload-file', accept: state.fileKinds.accept });
  const partial = el('input', { type: 'checkbox', id: 'upload-partial' });
  const upMsg = el('div', { role: 'alert' });
  const upload = el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      upMsg.replaceChildren();
      const f = file.files[0];
      if (!f) { upMsg.append(el('p', { class: 'error-text', text: '请选择文件' })); return; }
      upMsg.append(el('p', { text: '正在读取…' }));
      try {
        const q = new URLSearchParams({ name: f.name });
        if (partial.checked) q.set('partial', 'true');
        const r = await api('POST', '/api/reports/upload?' + q, undefined, f);
        location.hash = `#/report/${r.report.id}`;
        toast([`已导入为 ${r.report.year} 年度报告第 ${r.report.version} 版：${r.report.errors} 个错误，${r.report.warnings} 个警告`, ...r.notes].join('；'));
      } catch (e) { upMsg.replaceChildren(el('p', { class: 'error-text', text: e.message })); }
    },
  }, el('h2', { text: '上传文件' }),
  el('p', { text: `数据文件：${kindsOf('data')}；或已发布的年报：${kindsOf('published')}。同一年度已有报告时，作为新的一版保存。` }),
  el('div', { class: 'row' }, el('label', { for: 'upload-file' }, '文件 ', file), el('button', { type: 'submit', text: '上传' })),
  el('label', { for: 'upload-partial' }, partial, ' 已发布年报中缺少表格行时仍然导入（缺少的行记为 0，需要补填）'),
  upMsg);
  main(el('h1', { text: '我的报告' }), el('section', { class: 'card' }, list),
    el('section', { class: 'card' }, start), el('section', { class: 'card' }, upload));
}

// ---------------------------------------------------------------- the editor

let editor = null;

// A prose section of the form, as the server describes it: [key, heading, required].
function sectionOf(key) {
  const s = editor.form.sections.find((x) => x.key === key);
  return [s.key, s.heading, s.required];
}

async function showEditor(id) {
  const detail = await api('GET', `/api/reports/${id}`);
  const readOnly = state.session.role === 'office';
  const edition = detail.data && detail.data.edition === '2019' ? '2019' : '2021';
  if (!state.forms[edition]) state.forms[edition] = await api('GET', `/api/form/${edition}`);
  // The buttons for downloads: the server's one list of outputs.
  if (!state.outputs) state.outputs = await api('GET', '/api/outputs');
  editor = {
    id, readOnly, form: state.forms[edition], data: detail.data || {}, base: detail.version,
    report: detail.report, check: detail.check, dirty: false, timer: null, seq: 0,
    inputs: [], blocks: [],
  };
  const saved = localStorage.getItem(draftKey(id));
  let banner = null;
  if (saved && !readOnly) {
    try {
      const draft = JSON.parse(saved);
      if (JSON.stringify(draft.data) !== JSON.stringify(editor.data)) {
        banner = el('div', { class: 'banner', role: 'alert' },
          `本机浏览器中有第 ${draft.base} 版之后未保存的修改（${date(draft.at)}）。`,
          draft.base !== detail.version ? `此后已另存了第 ${detail.version} 版；恢复后保存时会先询问。 ` : ' ',
          // The draft keeps the version it was typed on, so a save over a newer one asks first.
          el('button', { type: 'button', text: '恢复这些修改', onclick: () => { editor.data = draft.data; editor.base = draft.base; editor.dirty = true; editor.banner = null; drawEditor(); scheduleCheck(); } }), ' ',
          el('button', { type: 'button', class: 'secondary', text: '丢弃', onclick: () => { localStorage.removeItem(draftKey(id)); banner.remove(); } }));
      } else localStorage.removeItem(draftKey(id));
    } catch (e) { localStorage.removeItem(draftKey(id)); }
  }
  editor.banner = banner;
  drawEditor();
}

function drawEditor() {
  const e = editor;
  e.inputs = [];
  e.blocks = [];
  const r = e.report;
  const stateText = el('span', { class: 'state', id: 'save-state', 'aria-live': 'polite' });
  e.stateText = stateText;
  // A download is of the saved version: unsaved changes are saved first; the PDF,
  // DOCX and HTML are made only from data without errors.
  const dl = ({ format: fmt, label, typeset }) => el('a', {
    class: 'button', href: `/api/reports/${e.id}/download/${fmt}`, download: '', text: label,
    onclick: async (ev) => {
      ev.preventDefault();
      if (e.dirty && !e.readOnly && !(await save())) return;
      if (typeset && e.check && e.check.errors > 0) {
        toast(`报告有 ${e.check.errors} 个错误，改正后才能生成 ${label}（见右侧核对结果）`);
        return;
      }
      await download(`/api/reports/${e.id}/download/${fmt}?version=${e.base}`);
    },
  });
  const toolbar = el('div', { class: 'toolbar' },
    e.readOnly ? null : el('button', { type: 'button', id: 'save', text: '保存', onclick: () => save() }),
    el('button', { type: 'button', class: 'secondary', id: 'preview-button', text: '预览', onclick: preview }),
    el('button', { type: 'button', class: 'secondary', text: '历史版本', onclick: showVersions }),
    ...state.outputs.map(dl),
    stateText);
  const body = el('div', { id: 'editor-body' });
  body.append(el('section', { class: 'card' },
    el('h2', { text: '基本信息' }),
    el('p', { id: 'version-line' }),
    el('p', {}, '机关名称：', el('strong', { text: shownValue(e.data.organ) }), '（由办公室设置，与账号一致）'),
    field('标题（可不填）', 'title', 'text'),
    textArea('前言（可不填）', 'preamble')));
  body.append(blocksCard(sectionOf('overview')));
  for (const t of e.form.tables) body.append(tableCard(t));
  body.append(blocksCard(sectionOf('problems')), blocksCard(sectionOf('other_matters')));
  body.append(el('section', { class: 'card' }, el('h2', { text: '落款' }),
    field('落款机关（默认为机关名称）', 'signature.organ', 'text'), field('成文日期', 'signature.date', 'date'),
    field('发布日期', 'meta.published', 'date')));
  const diags = el('section', { class: 'card side', id: 'diagnostics', 'aria-live': 'polite' });
  e.diagsBox = diags;
  e.previewBox = el('div', { id: 'preview' });
  e.versionsBox = el('div', { id: 'versions' });
  main(el('h1', {}, `${r.organ} ${r.year} 年度报告`), e.banner, toolbar, e.versionsBox,
    el('div', { class: 'two' }, body, diags), e.previewBox);
  showCheck();
  setState();
}

// Fetches a file and hands it to the browser as a download; an error answer (the
// report has errors, the session ended) is shown, never saved as the file.
function fileLink(attrs) {
  return el('a', { ...attrs, download: null, onclick: (ev) => { ev.preventDefault(); download(ev.currentTarget.href); } });
}

async function download(url) {
  let response;
  try { response = await fetch(url, { credentials: 'same-origin' }); } catch (err) { toast('无法连接服务器'); return; }
  if (!response.ok) {
    let message = '下载失败：' + response.status;
    try { message = (await response.json()).error || message; } catch (err) { /* not JSON */ }
    toast(message);
    return;
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const m = disposition.match(/filename\*=UTF-8''([^;]+)/);
  const name = m ? decodeURIComponent(m[1]) : 'report';
  const href = URL.createObjectURL(await response.blob());
  const a = el('a', { href, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
}

function setState(text) {
  const e = editor;
  const r = e.report;
  const line = document.getElementById('version-line');
  if (line) line.textContent = `${r.year} 年度 · ${e.form.notice} 格式 · ${e.readOnly ? r.organ + ' · ' : ''}第 ${r.version} 版（${r.source}，${date(r.saved)}）`;
  e.stateText.textContent = text || (e.readOnly ? '只读（办公室查看）' : e.dirty ? '有未保存的修改（已暂存在本机）' : `已保存：第 ${e.base} 版`);
}

function fieldId(path) { return 'f-' + path.replace(/[^a-zA-Z0-9]/g, '-'); }

// A one-line field (`text`, or `date` as YYYY-MM-DD); left blank, the key is left out.
function field(label, path, type) {
  const input = el('input', { type, id: fieldId(path), value: shownValue(getAt(editor.data, splitPath(path))), disabled: editor.readOnly, 'data-path': path, size: type === 'text' ? 40 : null });
  input.addEventListener('input', () => { setAt(editor.data, splitPath(path), input.value.trim() === '' ? undefined : input.value); cleanup(); changed(); });
  return el('label', { for: input.id }, el('span', { text: label }), input);
}

function textArea(label, path) {
  const area = el('textarea', { id: fieldId(path), disabled: editor.readOnly, 'data-path': path });
  area.value = shownValue(getAt(editor.data, splitPath(path)));
  area.addEventListener('input', () => { setAt(editor.data, splitPath(path), area.value.trim() === '' ? undefined : area.value); changed(); });
  // Its diagnostics show under it, as a prose block's do.
  const msg = el('div', { class: 'block-msg' });
  const box = el('div', { 'data-path': path }, el('label', { for: area.id }, el('span', { text: label }), area), msg);
  editor.blocks.push({ path, box, msg });
  return box;
}

// Removes empty maps left by clearing optional fields (signature, meta).
function cleanup() {
  for (const k of ['signature', 'meta']) {
    const v = editor.data[k];
    if (v && typeof v === 'object' && Object.keys(v).length === 0) delete editor.data[k];
  }
}

// ---- prose blocks: a list of paragraphs or （一） items with a run-in title.

function blocksCard([key, heading, required]) {
  const e = editor;
  const card = el('section', { class: 'card', id: 'section-' + key });
  const list = el('div');
  const draw = () => {
    list.replaceChildren();
    const blocks = Array.isArray(e.data[key]) ? e.data[key] : (typeof e.data[key] === 'string' ? [e.data[key]] : []);
    blocks.forEach((b, i) => list.append(blockEditor(key, i, b, draw)));
    if (!e.readOnly) {
      list.append(el('button', {
        type: 'button', class: 'secondary', text: '添加一段', onclick: () => {
          const now = Array.isArray(e.data[key]) ? e.data[key] : [];
          now.push('');
          e.data[key] = now;
          draw(); changed();
        },
      }));
    }
  };
  draw();
  card.append(el('h2', { text: heading + (required ? '' : '（可不填，默认为“无。”）') }), list);
  return card;
}

function blockEditor(key, i, block, redraw) {
  const e = editor;
  const path = `${key}[${i}]`;
  const b = typeof block === 'string' ? { title: '', text: block, items: [] } : { title: block.title || '', text: block.text || '', items: block.items || [] };
  const idBase = fieldId(path);
  const title = el('input', { type: 'text', id: idBase + '-title', value: b.title, disabled: e.readOnly, size: 30 });
  const text = el('textarea', { id: idBase + '-text', disabled: e.readOnly });
  text.value = b.text;
  const items = el('textarea', { id: idBase + '-items', disabled: e.readOnly, class: 'items' });
  items.value = b.items.join('\n');
  const msg = el('div', { class: 'block-msg' });
  const update = () => {
    const t = title.value.trim();
    const its = items.value.split('\n').map((s) => s.trim()).filter((s) => s);
    let v;
    if (t === '' && its.length === 0) v = text.value;
    else { v = { title: t, text: text.value }; if (its.length) v.items = its; }
    e.data[key][i] = v;
    changed();
  };
  for (const x of [title, text, items]) x.addEventListener('input', update);
  const fs = el('fieldset', { class: 'block', 'data-path': path },
    el('legend', { text: `第 ${i + 1} 段` }),
    el('label', { for: title.id }, el('span', { text: '小标题（有小标题时编为（一）（二）…，可不填）' }), title),
    el('label', { for: text.id }, el('span', { text: '正文（空一行分段）' }), text),
    el('label', { for: items.id }, el('span', { text: '分项（每行一项，编为 1. 2. …，可不填）' }), items),
    msg,
    e.readOnly ? null : el('div', { class: 'row' },
      i > 0 ? el('button', { type: 'button', class: 'secondary', text: '上移', onclick: () => { const a = e.data[key]; [a[i - 1], a[i]] = [a[i], a[i - 1]]; redraw(); changed(); } }) : null,
      el('button', { type: 'button', class: 'secondary', text: '删除这一段', onclick: () => { e.data[key].splice(i, 1); if (e.data[key].length === 0 && key === 'other_matters') delete e.data[key]; redraw(); changed(); } })));
  e.blocks.push({ path, box: fs, msg });
  return fs;
}

// ---- the tables, cell by cell as on the official form.

function tableCard(table) {
  const e = editor;
  const lengths = rowLengths(table);
  const t = el('table', { class: 'form', id: 'table-' + table.key });
  t.append(el('caption', { class: 'sr-only', text: `${table.number}、${table.heading}` }));
  const head = el('thead');
  const bodyRows = el('tbody');
  for (const row of table.rows) {
    const tr = el('tr');
    for (const c of row.cells) {
      const span = { colspan: c.colspan > 1 ? String(c.colspan) : null, rowspan: c.rowspan > 1 ? String(c.rowspan) : null };
      if (c.text !== null && c.text !== undefined) {
        const isRowLabel = row.role === 'data';
        tr.append(el('th', { ...span, scope: isRowLabel ? 'row' : 'col', class: isRowLabel ? 'rowlabel' : null, text: c.text }));
        continue;
      }
      const parts = c.index === null || c.index === undefined ? splitPath(c.path) : [...splitPath(c.path), c.index];
      const input = el('input', {
        type: 'text', inputmode: c.kind === 'money' ? 'decimal' : 'numeric', class: c.kind === 'money' ? 'money' : null,
        'aria-label': c.label || c.path, disabled: e.readOnly, 'data-path': c.path, 'data-index': c.index === null || c.index === undefined ? null : String(c.index),
        value: shownValue(getAt(e.data, parts)), autocomplete: 'off',
      });
      const msg = el('span', { class: 'cell-msg', id: 'msg-' + fieldId(c.path + '-' + c.index) });
      const td = el('td', { ...span, class: 'value' + (c.kind === 'total' ? ' total' : '') }, input, msg);
      input.addEventListener('input', () => {
        setCell(table, lengths, c, input.value);
        changed();
      });
      e.inputs.push({ input, path: c.path, index: c.index, td, msg, kind: c.kind });
      tr.append(td);
    }
    (row.role === 'header' ? head : bodyRows).append(tr);
  }
  t.append(head, bodyRows);
  return el('section', { class: 'card' }, el('h2', { text: `${table.number}、${table.heading}` }), el('div', { class: 'scroll' }, t));
}

function setCell(table, lengths, c, text) {
  const data = editor.data;
  const value = cellValue(text, c.kind);
  if (c.index === null || c.index === undefined) {
    setAt(data, splitPath(c.path), value);
    return;
  }
  const parts = splitPath(c.path);
  const len = lengths[c.path] || 0;
  let row = getAt(data, parts);
  if (!Array.isArray(row)) {
    if (value === undefined) return;
    row = new Array(len).fill(0);
    setAt(data, parts, row);
  }
  if (c.kind === 'total') {
    // The row's 总计: computed when blank, checked when typed.
    if (value === undefined) row.length = Math.min(row.length, len);
    else { while (row.length < len) row.push(0); row[len] = value; }
  } else {
    while (row.length < len) row.push(0);
    row[c.index] = value === undefined ? (table.rows_optional ? 0 : null) : value;
  }
  // A row of table 三 left all blank or zero is the same as a row left out.
  const empty = row.slice(0, len).every((v) => v === 0 || v === null) && row.length <= len;
  if (empty && table.rows_optional && value === undefined) setAt(data, parts, undefined);
}

// ---- checking as one types, saving, the draft kept in the browser.

function keepDraft(e) {
  try { localStorage.setItem(draftKey(e.id), JSON.stringify({ base: e.base, at: Math.floor(Date.now() / 1000), data: e.data })); } catch (err) { /* storage full: the server copy stays */ }
}

function changed() {
  const e = editor;
  if (e.readOnly) return;
  e.dirty = true;
  e.changes = (e.changes || 0) + 1;
  keepDraft(e);
  setState();
  scheduleCheck();
}

function scheduleCheck() {
  clearTimeout(editor.timer);
  editor.timer = setTimeout(runCheck, 150);
}

async function runCheck() {
  const e = editor;
  if (!e) return;
  const seq = ++e.seq;
  try {
    const result = await api('POST', `/api/reports/${e.id}/check`, { data: e.data });
    if (editor !== e || seq !== e.seq) return; // a later check is on its way
    e.check = result;
    showCheck();
  } catch (err) { setState(err.message); }
}

function diagTarget(path) {
  const m = path.match(/^(.*?)(?:\[(\d+)\])?$/);
  const base = m[1];
  const index = m[2] === undefined ? null : Number(m[2]);
  const cells = editor.inputs.filter((x) => x.path === base && x.msg);
  const cell = cells.find((x) => x.index === index) || (index === null ? cells[0] : null);
  if (cell) return cell;
  const block = editor.blocks.find((b) => path === b.path || path.startsWith(b.path + '.') || path.startsWith(b.path + '['));
  if (block) return block;
  return null;
}

function showCheck() {
  const e = editor;
  const check = e.check || { diagnostics: [], totals: {}, errors: 0, warnings: 0 };
  // Live totals: a blank cell shows the value computed from the others.
  for (const x of e.inputs) {
    if (!x.msg) continue;
    const row = check.totals[x.path];
    x.input.placeholder = row && x.index !== null && x.index !== undefined && row[x.index] !== undefined ? String(row[x.index]) : '';
    x.td.classList.remove('bad', 'warn');
    x.msg.replaceChildren();
    x.input.removeAttribute('aria-invalid');
    x.input.removeAttribute('aria-describedby');
  }
  for (const b of e.blocks) { b.box.classList.remove('bad'); b.msg.replaceChildren(); }
  const list = el('ol', { class: 'diags' });
  for (const d of check.diagnostics) {
    const target = diagTarget(d.path);
    const cls = d.severity === 'error' ? 'error' : 'warning';
    if (target && target.msg && target.input) {
      target.td.classList.add(d.severity === 'error' ? 'bad' : 'warn');
      // In the cell, the rule and the value expected (the cell stays narrow); the
      // whole message is its title, read by screen readers, and in the list.
      const short = d.expected !== null && d.expected !== undefined ? `应为 ${d.expected}` : d.severity === 'error' ? '有误' : '请核对';
      target.msg.append(el('span', { class: 'msg ' + cls, 'data-rule': d.rule, title: d.message, 'aria-hidden': 'true', text: `${d.rule} ${short}` }),
        el('span', { class: 'sr-only', text: `${d.rule}：${d.message}` }));
      if (d.severity === 'error') target.input.setAttribute('aria-invalid', 'true');
      target.input.setAttribute('aria-describedby', target.msg.id);
    } else if (target && target.box) {
      if (d.severity === 'error') target.box.classList.add('bad');
      target.msg.append(el('p', { class: cls + '-text', text: `${d.rule}：${d.message}` }));
    }
    const go = target ? el('button', { type: 'button', class: 'secondary', text: '定位', onclick: () => (target.input || target.box).scrollIntoView({ block: 'center' }) || (target.input && target.input.focus()) }) : null;
    list.append(el('li', { class: cls + '-text' },
      el('strong', { text: `${d.severity_name} ${d.rule}` }), ' ',
      d.message, d.hint ? el('div', { class: 'where', text: '提示：' + d.hint }) : null,
      d.place || d.source ? el('div', { class: 'where', text: [d.place, d.source].filter(Boolean).join(' · ') }) : null, go));
  }
  e.diagsBox.replaceChildren(
    el('h2', { text: '核对结果' }),
    el('p', { id: 'check-summary', class: check.errors ? 'error-text' : '', text: check.errors || check.warnings ? `${check.errors} 个错误，${check.warnings} 个警告` : '没有发现问题' }),
    list);
}

async function save(overwrite) {
  const e = editor;
  if (e.saving && !overwrite) return false; // a second click while the first save is on its way
  e.saving = true;
  try { return await saveNow(e, overwrite); } finally { e.saving = false; }
}

async function saveNow(e, overwrite) {
  clearTimeout(e.timer);
  e.seq++; // a check on its way must not replace the save's
  const sent = e.changes || 0;
  setState('正在保存…');
  try {
    const d = await api('PUT', `/api/reports/${e.id}`, { data: e.data, base_version: overwrite ? null : e.base });
    e.base = d.version;
    e.report = d.report;
    if (d.data) e.data.organ = d.data.organ;
    if ((e.changes || 0) === sent) {
      e.check = d.check;
      e.dirty = false;
      localStorage.removeItem(draftKey(e.id));
    } else {
      keepDraft(e); // typed while saving: still to be saved
      scheduleCheck();
    }
    showCheck();
    setState();
    toast(`已保存为第 ${d.version} 版`);
    return true;
  } catch (err) {
    if (err.status === 409 && !overwrite
      && confirm(`${err.message}\n\n仍要把本页内容保存为最新的一版吗？（其他版本都保留在“历史版本”中）`)) {
      return saveNow(e, true);
    }
    setState(err.message);
    toast(err.message);
    return false;
  }
}

async function preview() {
  const e = editor;
  if (e.dirty && !e.readOnly && !(await save())) return;
  e.previewBox.replaceChildren(el('section', { class: 'card' }, el('p', { text: '正在排版…' })));
  try {
    const p = await api('GET', `/api/reports/${e.id}/preview?version=${e.base}`);
    const pages = el('div', { class: 'pages' }, p.pages.map((src, i) => el('img', { src, alt: `第 ${i + 1} 页`, loading: 'lazy' })));
    e.previewBox.replaceChildren(el('section', { class: 'card', id: 'preview-pages' },
      el('h2', { text: `预览：第 ${p.version} 版，共 ${p.pages.length} 页（与 PDF 同一排版）` }), pages),
    el('section', { class: 'card' }, el('h2', { text: '网页版（门户网站发布用）' }),
      el('iframe', { class: 'edition', src: p.html, title: '网页版预览', sandbox: '' })));
    e.previewBox.scrollIntoView();
  } catch (err) {
    e.previewBox.replaceChildren(el('section', { class: 'card' }, el('p', { class: 'error-text', role: 'alert', text: err.message })));
  }
}

async function showVersions() {
  const e = editor;
  const list = await api('GET', `/api/reports/${e.id}/versions`);
  e.versionsBox.replaceChildren(el('section', { class: 'card' },
    el('h2', { text: '历史版本' }),
    el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ['版本', '保存时间', '保存人', '来源', '错误', '警告', ''].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, list.map((v) => el('tr', {},
        el('td', { text: `第 ${v.number} 版` }), el('td', { text: date(v.saved) }), el('td', { text: v.saved_by }),
        el('td', { text: v.source }), el('td', { text: v.errors }), el('td', { text: v.warnings }),
        el('td', {},
          el('a', { href: `/api/reports/${e.id}/download/yaml?version=${v.number}`, text: '下载数据', onclick: (ev) => { ev.preventDefault(); download(ev.currentTarget.href); } }), ' ',
          el('a', { href: `/api/reports/${e.id}/download/pdf?version=${v.number}`, text: 'PDF', onclick: (ev) => { ev.preventDefault(); download(ev.currentTarget.href); } }), ' ',
          e.readOnly || v.number === e.base ? null : el('button', {
            type: 'button', class: 'secondary', text: '恢复这一版', onclick: async () => {
              if (e.dirty && !confirm('恢复后，当前未保存的修改将丢失。继续？')) return;
              try {
                e.seq++;
                const d = await api('POST', `/api/reports/${e.id}/versions/${v.number}/restore`);
                localStorage.removeItem(draftKey(e.id));
                e.data = d.data; e.base = d.version; e.report = d.report; e.check = d.check; e.dirty = false;
                e.banner = null;
                drawEditor();
                toast(`已恢复第 ${v.number} 版，保存为第 ${d.version} 版`);
              } catch (err) { toast(err.message); }
            },
          })))))),
    el('button', { type: 'button', class: 'secondary', text: '收起', onclick: () => e.versionsBox.replaceChildren() })));
}

window.addEventListener('beforeunload', (ev) => {
  if (editor && editor.dirty) { ev.preventDefault(); ev.returnValue = ''; }
});

// ---------------------------------------------------------------- the office

async function showOffice() {
  const yearInput = el('input', { type: 'number', id: 'office-year', min: 2019, max: 2099, value: String(state.officeYear || thisYear() - 1) });
  const yearBox = el('div');
  const load = async () => {
    const year = Number(yearInput.value);
    state.officeYear = year;
    yearBox.replaceChildren(el('p', { text: '正在审核…' }));
    try {
      const a = await api('GET', `/api/office/${year}/audit`);
      const counts = Object.entries(a.counts).map(([k, v]) => `${k} ${v}`).join('，') || '没有单位';
      yearBox.replaceChildren(
        el('p', { id: 'counts', text: counts }),
        el('div', { class: 'row' },
          fileLink({ class: 'button', href: `/api/office/${year}/findings.xlsx`, download: '', text: '下载问题清单（工作簿）' }),
          fileLink({ class: 'button', href: `/api/office/${year}/sum?format=xlsx`, download: '', text: '下载汇总（工作簿）' }),
          fileLink({ class: 'button', href: `/api/office/${year}/sum?format=yaml`, download: '', text: '下载汇总（YAML）' })),
        el('div', { class: 'scroll' }, el('table', { class: 'list', id: 'audit-units' },
          el('thead', {}, el('tr', {}, ['单位', '用户名', '状态', '错误', '警告', '逾期', ''].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, a.units.map((u) => el('tr', {},
            el('td', { text: u.organ }), el('td', { text: u.unit }), statusCell(u.status), el('td', { text: u.errors }),
            el('td', { text: u.warnings }), el('td', { text: u.late ? '逾期' : '' }),
            el('td', {}, u.report ? el('a', { href: `#/report/${u.report}`, text: '查看' }) : null)))))),
        el('h2', { text: `问题清单（${a.findings.length} 条）` }),
        el('div', { class: 'scroll' }, el('table', { class: 'list', id: 'audit-findings' },
          el('thead', {}, el('tr', {}, ['单位', '级别', '规则', '位置', '问题'].map((h) => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, a.findings.map((f) => el('tr', {},
            el('td', { text: f.organ }), el('td', { text: f.severity_name }),
            el('td', { text: f.rule }), el('td', { text: f.place || f.path }), el('td', { text: f.message })))))));
    } catch (e) { yearBox.replaceChildren(el('p', { class: 'error-text', role: 'alert', text: e.message })); }
  };
  const units = await api('GET', '/api/units');
  const user = el('input', { type: 'text', id: 'unit-user', required: true, pattern: '[A-Za-z0-9._\\-]{2,64}', size: 16, autocapitalize: 'off', title: '2–64 个英文字母、数字或 - _ . 字符' });
  const organ = el('input', { type: 'text', id: 'unit-organ', required: true, size: 30 });
  const kind = el('select', { id: 'unit-kind' }, el('option', { value: 'department', text: '部门（1月31日前公布）' }), el('option', { value: 'government', text: '人民政府（3月31日前公布）' }));
  const made = el('div', { role: 'alert' });
  const create = el('form', {
    onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const u = await api('POST', '/api/units', { user: user.value.trim(), organ: organ.value.trim(), kind: kind.value });
        made.replaceChildren(el('p', {}, `已创建 ${u.organ} 的账号：用户名 `, el('span', { class: 'password', text: u.user }), '，密码 ',
          el('span', { class: 'password', id: 'new-password', text: u.password }), '（只显示这一次，请转交该单位）'));
        user.value = ''; organ.value = '';
        drawUnits(await api('GET', '/api/units'));
        load();
      } catch (e) { made.replaceChildren(el('p', { class: 'error-text', text: e.message })); }
    },
  }, el('h2', { text: '添加单位' }),
  el('div', { class: 'row' },
    el('label', { for: 'unit-organ' }, '机关名称 ', organ), el('label', { for: 'unit-user' }, '用户名 ', user),
    el('label', { for: 'unit-kind' }, '类型 ', kind), el('button', { type: 'submit', text: '添加' })), made);
  const unitList = el('div');
  const drawUnits = (list) => unitList.replaceChildren(list.length === 0 ? el('p', { text: '还没有单位。' }) :
    el('div', { class: 'scroll' }, el('table', { class: 'list', id: 'units' },
      el('thead', {}, el('tr', {}, ['机关名称', '用户名', '类型', ''].map((h) => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, list.map((u) => el('tr', {}, el('td', { text: u.organ }), el('td', { text: u.user }),
        el('td', { text: u.kind === 'government' ? '人民政府' : '部门' }),
        el('td', {}, el('button', {
          type: 'button', class: 'secondary', text: '重设密码', onclick: async () => {
            if (!confirm(`为 ${u.organ} 生成新密码？原密码立即失效，该单位需要用新密码登录。`)) return;
            try {
              const r = await api('POST', `/api/units/${encodeURIComponent(u.user)}/password`, {});
              made.replaceChildren(el('p', {}, `${r.organ} 的新密码：`, el('span', { class: 'password', text: r.password })));
            } catch (e) { toast(e.message); }
          },
        }))))))));
  drawUnits(units);
  main(el('h1', { text: '各单位年报' }),
    el('section', { class: 'card' },
      el('form', { class: 'row', onsubmit: (ev) => { ev.preventDefault(); load(); } },
        el('label', { for: 'office-year' }, '年度 ', yearInput), el('button', { type: 'submit', id: 'office-load', text: '查看' })),
      yearBox),
    el('section', { class: 'card' }, el('h2', { text: '单位名单' }), unitList),
    el('section', { class: 'card' }, create));
  load();
}
