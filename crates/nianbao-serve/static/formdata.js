// The report's data as the editor handles it: key paths (`applications.new[2]`),
// reading and writing values at a path, what a typed cell holds, the rows' lengths
// of a table of the form. Pure functions, tested with `node --test`
// (tests/js/formdata.test.mjs).

export function splitPath(path) {
  const out = [];
  for (const part of path.split('.')) {
    const m = part.match(/^([^[\]]+)((?:\[\d+\])*)$/);
    if (!m) { out.push(part); continue; }
    out.push(m[1]);
    for (const i of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(i[1]));
  }
  return out;
}

export function getAt(obj, parts) {
  let cur = obj;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[p];
  }
  return cur;
}

export function setAt(obj, parts, value) {
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur[parts[i]] === null || typeof cur[parts[i]] !== 'object') cur[parts[i]] = typeof parts[i + 1] === 'number' ? [] : {};
    cur = cur[parts[i]];
  }
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(parts[parts.length - 1], 1); else delete cur[parts[parts.length - 1]];
  } else cur[parts[parts.length - 1]] = value;
}

// What a typed cell holds: a whole number, money as written, or the text as typed
// (the check then says what is wrong with it, at the cell).
export function cellValue(text, kind) {
  const t = text.trim();
  if (t === '') return undefined;
  if (kind === 'money' && /^\d+(\.\d+)?$/.test(t)) return t;
  if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  return t;
}

export function shownValue(v) {
  if (v === undefined || v === null) return '';
  return String(v);
}

export function draftKey(id) { return `nianbao-draft-${id}`; }

export function rowLengths(table) {
  const len = {};
  for (const row of table.rows) for (const c of row.cells) {
    if (c.path && c.index !== null && c.index !== undefined && c.kind !== 'total') len[c.path] = Math.max(len[c.path] || 0, c.index + 1);
  }
  return len;
}
