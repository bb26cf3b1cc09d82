// Click a column header to sort its table (again to reverse). Cells sort by data-v when present, else their text;
// number columns (data-type="number") compare as numbers, empty cells last. Rows keep their order among equals.
(function () {
  'use strict';
  function key(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) return numeric ? NaN : '';
    var v = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent.trim();
    if (v === '\u2013') v = ''; // the page writes a missing value as an en dash
    return numeric ? (v === '' ? NaN : Number(v)) : v;
  }
  function compare(a, b, numeric) {
    if (numeric) {
      if (isNaN(a)) return isNaN(b) ? 0 : 1;
      if (isNaN(b)) return -1;
      return a - b;
    }
    if (a === '') return b === '' ? 0 : 1;
    if (b === '') return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, col) {
      var button = th.querySelector('button');
      if (!button) return;
      button.addEventListener('click', function () {
        var descending = th.getAttribute('aria-sort') === 'ascending';
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var numeric = th.getAttribute('data-type') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.map.call(body.rows, function (row, i) { return { row: row, i: i, k: key(row, col, numeric) }; });
        rows.sort(function (a, b) {
          var c = compare(a.k, b.k, numeric);
          if (c !== 0 && descending && !(numeric ? isNaN(a.k) || isNaN(b.k) : a.k === '' || b.k === '')) c = -c;
          return c !== 0 ? c : a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
      });
    });
  });
})();
