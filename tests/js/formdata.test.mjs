// The editor's pure data functions (crates/nianbao-serve/static/formdata.js), run
// with `node --test tests/js/` (.ci/run does): key paths, values at a path, what a
// typed cell holds, a table's row lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  splitPath, getAt, setAt, cellValue, shownValue, draftKey, rowLengths,
} from '../../crates/nianbao-serve/static/formdata.js';

test('a key path splits into keys and indexes', () => {
  assert.deepEqual(splitPath('applications.new[2]'), ['applications', 'new', 2]);
  assert.deepEqual(splitPath('applications.refused.state_secret[0]'), ['applications', 'refused', 'state_secret', 0]);
  assert.deepEqual(splitPath('overview[1].text'), ['overview', 1, 'text']);
  assert.deepEqual(splitPath('organ'), ['organ']);
});

test('values are read and written at a path, lists and maps made on the way', () => {
  const data = {};
  setAt(data, splitPath('applications.new[1]'), 411);
  assert.equal(data.applications.new.length, 2);
  assert.equal(data.applications.new[1], 411);
  // The cell not typed is a hole, which the JSON sent to the server makes null.
  assert.equal(JSON.stringify(data), '{"applications":{"new":[null,411]}}');
  assert.equal(getAt(data, splitPath('applications.new[1]')), 411);
  assert.equal(getAt(data, splitPath('applications.total[0]')), undefined);
  assert.equal(getAt(data, splitPath('organ.name')), undefined);
  setAt(data, ['meta', 'published'], '2024-01-20');
  assert.equal(data.meta.published, '2024-01-20');
  // Writing nothing removes the value (a list item is taken out).
  setAt(data, ['meta', 'published'], undefined);
  assert.ok(!('published' in data.meta));
  data.list = [1, 2, 3];
  setAt(data, ['list', 1], undefined);
  assert.deepEqual(data.list, [1, 3]);
});

test('a typed cell is a whole number, money as written, or the text for the check', () => {
  assert.equal(cellValue(' 12 ', 'count'), 12);
  assert.equal(cellValue('-3', 'signed'), -3);
  assert.equal(cellValue('', 'count'), undefined);
  assert.equal(cellValue('   ', 'count'), undefined);
  assert.equal(cellValue('1187.30', 'money'), '1187.30');
  assert.equal(cellValue('1187.30', 'count'), '1187.30');
  assert.equal(cellValue('三', 'count'), '三');
  assert.equal(cellValue('2,008', 'count'), '2,008');
  // Past 2^53 a number is no longer exact: kept as text, and the check says so.
  assert.equal(cellValue('9007199254740993', 'count'), '9007199254740993');
  assert.equal(shownValue(undefined), '');
  assert.equal(shownValue(null), '');
  assert.equal(shownValue(0), '0');
});

test('a draft is kept per report', () => {
  assert.equal(draftKey(7), 'nianbao-draft-7');
  assert.notEqual(draftKey(7), draftKey(8));
});

test('a row is as long as its last cell, 总计 cells aside', () => {
  const table = {
    rows: [
      { cells: [{ path: null }, { path: 'applications.new', index: 0, kind: 'count' }, { path: 'applications.new', index: 5, kind: 'count' }, { path: 'applications.new', index: 6, kind: 'total' }] },
      { cells: [{ path: 'active_disclosure.licensing', index: null, kind: 'count' }] },
    ],
  };
  assert.deepEqual(rowLengths(table), { 'applications.new': 6 });
});
