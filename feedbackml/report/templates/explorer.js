/* The comment explorer: builds one table row per embedded comment from the page's JSON
   block (text only, through textContent: nothing in a comment is parsed as markup), then
   filters by words, theme or group, score category, sentiment and segment, sorts, and
   shows the matches a page at a time. */
(function () {
  "use strict";
  var data = document.getElementById("explorer-data");
  var table = document.getElementById("explorer-table");
  if (!data || !table) { return; }
  var parsed = JSON.parse(data.textContent);
  var rows = parsed.rows, meta = parsed.meta;
  var PAGE = 25;
  var shown = PAGE;
  var body = table.tBodies[0];
  var $ = function (id) { return document.getElementById(id); };
  var q = $("ex-q"), fTheme = $("ex-theme"), fCat = $("ex-cat"), fSent = $("ex-sent"), fSeg = $("ex-seg");
  var status = $("ex-status"), more = $("ex-more"), reset = $("ex-reset");
  var heads = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
  var cols = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.getAttribute("data-col"); });

  function words(select) {
    var out = {};
    if (!select) { return out; }
    Array.prototype.forEach.call(select.options, function (o) { out[o.value] = o.getAttribute("data-word") || o.textContent; });
    return out;
  }
  var catWord = words(fCat), sentWord = words(fSent);
  var themeName = {}, themeGroup = {}, groups = [];
  meta.themes.forEach(function (t) {
    themeName[t[0]] = t[1];
    themeGroup[t[0]] = t[2];
    if (t[2] !== null && groups.indexOf(t[2]) < 0) { groups.push(t[2]); }
  });

  function option(parent, value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    parent.appendChild(o);
  }
  if (fTheme) {
    if (groups.length) {
      groups.forEach(function (g) {
        var og = document.createElement("optgroup");
        og.label = g;
        option(og, "g:" + g, "All of " + g);
        meta.themes.forEach(function (t) { if (t[2] === g) { option(og, "t:" + t[0], t[1]); } });
        fTheme.appendChild(og);
      });
      meta.themes.forEach(function (t) { if (t[2] === null) { option(fTheme, "t:" + t[0], t[1]); } });
    } else {
      meta.themes.forEach(function (t) { option(fTheme, "t:" + t[0], t[1]); });
    }
    option(fTheme, "none", "(no theme)");
  }
  if (fSeg) { meta.segments.forEach(function (s, i) { option(fSeg, String(i), s); }); }

  // One row per comment; the text of each cell via textContent.
  var trs = new Array(rows.length), lower = new Array(rows.length);
  function cell(tr, col, text, cls) {
    var td = document.createElement("td");
    td.setAttribute("data-h", heads[cols.indexOf(col)] || "");
    if (cls) { td.className = cls; }
    if (text !== null && text !== undefined) { td.textContent = text; }
    tr.appendChild(td);
    return td;
  }
  // Every comment has its row from the start; a row's cells are made the first time it is
  // shown, so a page of 20,000 comments opens as fast as one of 200.
  function fill(i) {
    var r = rows[i], tr = trs[i];
    cols.forEach(function (col) {
      if (col === "text") {
        var td = cell(tr, col, null, "text");
        var p = document.createElement("div");
        p.textContent = r[1];
        td.appendChild(p);
        if (r[6].length) {
          var chips = document.createElement("div");
          chips.className = "chips";
          r[6].forEach(function (t) {
            var b = document.createElement("button");
            b.type = "button";
            b.className = "chip";
            b.setAttribute("data-theme", String(t));
            b.textContent = themeName[t] || ("theme " + t);
            b.title = "Show the comments of this theme";
            chips.appendChild(b);
          });
          td.appendChild(chips);
        }
      } else if (col === "score") {
        var s = cell(tr, col, r[2] === null ? "–" : String(r[2]), "num");
        if (r[3]) {
          var k = document.createElement("div");
          k.className = "kw cat-" + r[3];
          k.textContent = catWord[r[3]] || "";
          s.appendChild(k);
        }
      } else if (col === "sentiment") {
        var v = cell(tr, col, r[4] === null ? "–" : (r[4] > 0 ? "+" : r[4] < 0 ? "−" : "") + Math.abs(r[4]).toFixed(2), "num");
        if (r[5]) {
          var l = document.createElement("div");
          l.className = "kw sent-" + r[5];
          l.textContent = sentWord[r[5]] || "";
          v.appendChild(l);
        }
      } else if (col === "segment") {
        cell(tr, col, r[7] === null ? "–" : meta.segments[r[7]]);
      } else if (col === "date") {
        cell(tr, col, r[8] || "–", "num");
      } else if (col === "row") {
        cell(tr, col, String(r[0]), "num");
      }
    });
    filled[i] = true;
  }
  var filled = new Array(rows.length);
  var frag = document.createDocumentFragment();
  rows.forEach(function (r, i) {
    var tr = document.createElement("tr");
    tr.hidden = i >= PAGE;
    trs[i] = tr;
    lower[i] = r[1].toLowerCase();
    if (i < PAGE) { fill(i); }
    frag.appendChild(tr);
  });
  body.appendChild(frag);

  var order = rows.map(function (_, i) { return i; });
  var hidden = rows.map(function (_, i) { return i >= PAGE; });
  var parts = [];
  function matches(i) {
    var r = rows[i];
    for (var j = 0; j < parts.length; j++) { if (lower[i].indexOf(parts[j]) < 0) { return false; } }
    var th = fTheme ? fTheme.value : "";
    if (th === "none") {
      if (r[6].length) { return false; }
    } else if (th.indexOf("t:") === 0) {
      if (r[6].indexOf(parseInt(th.slice(2), 10)) < 0) { return false; }
    } else if (th.indexOf("g:") === 0) {
      var g = th.slice(2);
      if (!r[6].some(function (t) { return themeGroup[t] === g; })) { return false; }
    }
    if (fCat && fCat.value) {
      if (fCat.value === "none" ? r[3] !== null : r[3] !== fCat.value) { return false; }
    }
    if (fSent && fSent.value && r[5] !== fSent.value) { return false; }
    if (fSeg && fSeg.value && String(r[7]) !== fSeg.value) { return false; }
    return true;
  }
  function apply() {
    var n = 0;
    var text = q ? q.value.trim().toLowerCase() : "";
    parts = text ? text.split(/\s+/) : [];
    order.forEach(function (i) {
      var ok = matches(i);
      if (ok) { n += 1; }
      var hide = !(ok && n <= shown);
      if (hide !== hidden[i]) {
        if (!hide && !filled[i]) { fill(i); }
        trs[i].hidden = hide;
        hidden[i] = hide;
      }
    });
    var visible = Math.min(n, shown);
    status.textContent = n === rows.length && n === 0 ? "No comments." :
      "Showing " + visible.toLocaleString("en") + " of " + n.toLocaleString("en") + " matching comments" +
      (n === rows.length ? "" : " (" + rows.length.toLocaleString("en") + " embedded)") + ".";
    more.hidden = n <= shown;
  }
  function refilter() { shown = PAGE; apply(); }
  [q, fTheme, fCat, fSent, fSeg].forEach(function (el) {
    if (el) { el.addEventListener(el === q ? "input" : "change", refilter); }
  });
  more.addEventListener("click", function () { shown += PAGE * 4; apply(); });
  reset.addEventListener("click", function () {
    [q, fTheme, fCat, fSent, fSeg].forEach(function (el) { if (el) { el.value = ""; } });
    refilter();
  });
  function showTheme(id) {
    if (!fTheme) { return; }
    fTheme.value = "t:" + id;
    refilter();
  }
  body.addEventListener("click", function (e) {
    var chip = e.target.closest ? e.target.closest("button.chip") : null;
    if (chip) { showTheme(chip.getAttribute("data-theme")); fTheme.focus(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll("a[data-explore]"), function (a) {
    a.addEventListener("click", function () { showTheme(a.getAttribute("data-explore")); });
  });

  // Sorting: by the data, not by the cells' text.
  var keyOf = {
    row: function (r) { return r[0]; }, text: function (r) { return r[1].toLowerCase(); },
    score: function (r) { return r[2]; }, sentiment: function (r) { return r[4]; },
    segment: function (r) { return r[7] === null ? null : meta.segments[r[7]].toLowerCase(); },
    date: function (r) { return r[8]; }
  };
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var button = th.querySelector("button");
    var key = keyOf[th.getAttribute("data-col")];
    if (!button || !key) { return; }
    button.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      order.sort(function (a, b) {
        var x = key(rows[a]), y = key(rows[b]);
        if (x === y) { return a - b; }
        if (x === null) { return 1; }
        if (y === null) { return -1; }
        return (x < y ? -1 : 1) * (asc ? 1 : -1);
      });
      table.removeChild(body);  // reorder off the page, then put the body back once
      order.forEach(function (i) { body.appendChild(trs[i]); });
      table.appendChild(body);
      apply();
    });
  });
  apply();
})();
