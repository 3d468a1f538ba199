/* cwc export html: the page's only script (inlined; allowed by its hash in the Content-Security-Policy).
   Dataset text is only ever set with textContent; links only for http(s) addresses. Rows are drawn lazily: only
   those in view (and a margin) are in the document, so that 10,000 events open and scroll. */
(function () {
  "use strict";
  var ROW = 24, PAD = 8, MAX_PPD = 64, LABEL_ROOM = 420;
  var data = JSON.parse(document.getElementById("cwc-data").textContent);
  var A = data.actors, S = data.sources, E = data.events;
  var chart = document.getElementById("chart"), axis = document.getElementById("axis");
  var canvas = document.getElementById("canvas"), detail = document.getElementById("detail");
  var count = document.getElementById("count"), q = document.getElementById("q");
  var tagSelect = document.getElementById("tag"), actorSelect = document.getElementById("actor");
  var groupSelect = document.getElementById("group");
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var CERTAINTY = {uncertain: "?", approximate: "~", "uncertain and approximate": "?"};

  // Days since 0000-03-01 (H. Hinnant's algorithms): JavaScript's Date misreads years before 100.
  function ord(iso) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7), d = +iso.slice(8, 10);
    y -= m <= 2 ? 1 : 0;
    var era = Math.floor(y / 400), yoe = y - era * 400;
    var doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  }
  function civil(z) {
    var era = Math.floor(z / 146097), doe = z - era * 146097;
    var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    var mp = Math.floor((5 * doy + 2) / 153), d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    var m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function hue(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 360;
    return h;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function isHttp(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }

  var first = Infinity, last = -Infinity, tagCount = {}, actorCount = {};
  E.forEach(function (e, i) {
    e.n0 = i; e.s0 = ord(e.s); e.e0 = ord(e.e);
    first = Math.min(first, e.s0); last = Math.max(last, e.e0);
    (e.g || []).forEach(function (t) { tagCount[t] = (tagCount[t] || 0) + 1; });
    (e.a || []).forEach(function (a) { actorCount[a] = (actorCount[a] || 0) + 1; });
    e.hay = fold([e.t, e.m || "", e.d].concat(e.k || [], e.g || [], e.l || [],
      (e.a || []).map(function (a) { return A[a]; })).join(" \u0001 "));
  });
  if (!E.length) { first = last = ord("1962-10-27"); }
  var days = last - first + 1;

  Object.keys(tagCount).sort().forEach(function (t) {
    var option = el("option", "", t + " (" + tagCount[t] + ")"); option.value = t; tagSelect.appendChild(option);
  });
  Object.keys(actorCount).sort(function (a, b) { return A[a].localeCompare(A[b]); }).forEach(function (a) {
    var option = el("option", "", A[a] + " (" + actorCount[a] + ")"); option.value = a; actorSelect.appendChild(option);
  });

  var ppd = 1, shown = E, items = [];

  function fitPpd() { return Math.min(MAX_PPD, Math.max(1e-4, (chart.clientWidth - PAD * 2 - 260) / days)); }
  function x(o) { return (o - first) * ppd + PAD; }

  function refilter() {
    var words = fold(q.value).split(/\s+/).filter(Boolean), tag = tagSelect.value, actor = actorSelect.value;
    shown = E.filter(function (e) {
      if (tag && (e.g || []).indexOf(tag) < 0) return false;
      if (actor !== "" && (e.a || []).indexOf(+actor) < 0) return false;
      for (var i = 0; i < words.length; i++) if (e.hay.indexOf(words[i]) < 0) return false;
      return true;
    });
    items = [];
    var group = groupSelect.value;
    if (!group) {
      items = shown.map(function (e) { return {e: e}; });
    } else {
      var lanes = {}, order = [];
      shown.forEach(function (e) {
        (group === "tag" ? (e.g || []) : (e.a || [])).forEach(function (key) {
          if (!lanes[key]) { lanes[key] = []; order.push(key); }
          lanes[key].push(e);
        });
      });
      order.sort(function (a, b) { return lanes[b].length - lanes[a].length; });
      order.forEach(function (key) {
        items.push({lane: group === "tag" ? key : A[key], size: lanes[key].length});
        lanes[key].forEach(function (e) { items.push({e: e}); });
      });
    }
    count.textContent = shown.length + " of " + E.length + " events";
    chart.dataset.shown = String(shown.length);
    size();
    chart.scrollTop = 0;
    draw();
  }

  function size() {
    canvas.style.height = items.length * ROW + "px";
    canvas.style.width = Math.ceil(days * ppd + PAD * 2 + LABEL_ROOM) + "px";
    axis.style.width = canvas.style.width;
  }

  function draw() {
    drawRows();
    drawAxis();
  }

  function drawRows() {
    var top = chart.scrollTop - axis.offsetHeight, height = chart.clientHeight;
    var from = Math.max(0, Math.floor(top / ROW) - 15), to = Math.min(items.length, Math.ceil((top + height) / ROW) + 15);
    var rows = document.createDocumentFragment();
    for (var i = from; i < to; i++) rows.appendChild(rowFor(items[i], i));
    canvas.replaceChildren(rows);
  }

  function rowFor(item, i) {
    var row = el("div", item.lane !== undefined ? "row lane" : "row");
    row.style.top = i * ROW + "px";
    row.style.width = canvas.style.width;
    if (item.lane !== undefined) {
      row.appendChild(el("span", "", item.lane + " (" + item.size + ")"));
      return row;
    }
    var e = item.e, button = el("button", "ev");
    button.type = "button";
    button.dataset.i = String(e.n0);
    button.style.left = x(e.s0) + "px";
    button.title = e.d + ": " + e.t;
    var kind = e.p !== "day" ? "vague" : (e.s0 === e.e0 ? "day" : "");
    var bar = el("span", "bar " + kind);
    bar.style.width = Math.max(3, (e.e0 - e.s0 + 1) * ppd) + "px";
    if (e.g && e.g.length) bar.style.setProperty("--c", "hsl(" + hue(e.g[0]) + " 55% 40%)");
    button.appendChild(bar);
    button.appendChild(el("span", "label", e.t));
    if (e.c) button.appendChild(el("span", "q", CERTAINTY[e.c] || "?"));
    if (openIndex === e.n0) button.classList.add("open");
    row.appendChild(button);
    return row;
  }

  function grain() {
    var candidates = [["day", 1], ["day", 2], ["day", 7], ["month", 1], ["month", 2], ["month", 3], ["month", 6],
      ["year", 1], ["year", 2], ["year", 5], ["year", 10], ["year", 20], ["year", 50], ["year", 100], ["year", 500]];
    var length = {day: 1, month: 30.44, year: 365.25};
    for (var i = 0; i < candidates.length; i++) {
      var c = candidates[i], room = c[0] === "day" ? 28 : (c[0] === "month" ? 40 : 48);
      if (length[c[0]] * c[1] * ppd >= room) return c;
    }
    return ["year", 1000];
  }

  function drawAxis() {
    var left = chart.scrollLeft, right = left + chart.clientWidth;
    var lo = Math.max(first, Math.floor(first + (left - PAD) / ppd) - 1);
    var hi = Math.min(last, Math.ceil(first + (right - PAD) / ppd) + 1);
    var g = grain(), unit = g[0], step = g[1], ticks = document.createDocumentFragment(), n = 0;
    function tick(o, label, major) {
      var t = el("div", major ? "tick major" : "tick", label);
      t.style.left = x(o) + "px";
      ticks.appendChild(t);
      n++;
    }
    var start = civil(lo), y, m;
    if (unit === "day") {
      for (var o = lo; o <= hi && n < 2000; o++) {
        var c = civil(o);
        if (c[2] === 1) tick(o, c[2] + " " + MONTHS[c[1] - 1] + " " + c[0], true);
        else if ((o - first) % step === 0 && (step === 1 || c[2] < 28)) tick(o, String(c[2]), false);
      }
    } else if (unit === "month") {
      for (y = start[0], m = start[1]; n < 2000; m++) {
        if (m > 12) { m = 1; y++; }
        var om = ord(String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0") + "-01");
        if (om > hi) break;
        if ((m - 1) % step === 0 && om >= lo) tick(om, m === 1 ? String(y) : MONTHS[m - 1], m === 1);
      }
    } else {
      for (y = Math.ceil(start[0] / step) * step; n < 2000; y += step) {
        if (y < 1) continue;
        var oy = ord(String(y).padStart(4, "0") + "-01-01");
        if (oy > hi) break;
        if (oy >= lo) tick(oy, String(y), y % (step * 5) === 0);
      }
    }
    axis.replaceChildren(ticks);
  }

  function zoom(factor) {
    var centre = (chart.scrollLeft + chart.clientWidth / 2 - PAD) / ppd;
    ppd = factor ? Math.min(MAX_PPD, Math.max(fitPpd(), ppd * factor)) : fitPpd();
    size();
    chart.scrollLeft = factor ? centre * ppd + PAD - chart.clientWidth / 2 : 0;
    draw();
  }

  var openIndex = -1;
  function cited(list, c) {
    var source = S[c[0]] || ["?", "", "", ""], li = el("li");
    var text = source[0] + (source[1] ? ", " + source[1] : "") + (source[2] ? " (" + source[2] + ")" : "");
    var url = c[2] || source[3];
    if (isHttp(url)) {
      var a = el("a", "", text);
      a.href = url; a.rel = "noopener noreferrer"; a.target = "_blank";
      li.appendChild(a);
    } else {
      li.appendChild(el("span", "", text));
    }
    if (c[1]) li.appendChild(el("span", "locator", ", " + c[1]));
    list.appendChild(li);
  }
  function section(title, parent) {
    parent.appendChild(el("h3", "", title));
    var list = el("ul");
    parent.appendChild(list);
    return list;
  }
  function open(e) {
    openIndex = e.n0;
    var close = el("button", "close", "\u00d7");
    close.type = "button"; close.setAttribute("aria-label", "Close");
    close.addEventListener("click", shut);
    var box = document.createDocumentFragment();
    box.appendChild(close);
    box.appendChild(el("h2", "", e.t));
    var when = e.d + (e.s === e.e ? "" : " (" + e.s + " to " + e.e + ")") + "; " + e.p + " precision" +
      (e.c ? ", " + e.c : "");
    box.appendChild(el("p", "when", when));
    if (e.k) box.appendChild(el("p", "aliases", "Also known as: " + e.k.join("; ")));
    box.appendChild(el("p", "summary", e.m || ""));
    if (e.x) {
      var alts = section("Other dates claimed", box);
      e.x.forEach(function (alt) {
        var li = el("li", "", alt[0] + (alt[1] ? ": " + alt[1] : ""));
        var list = el("ul", "sources");
        alt[2].forEach(function (c) { cited(list, c); });
        li.appendChild(list);
        alts.appendChild(li);
      });
    }
    if (e.n) { var notes = section("Notes", box); e.n.forEach(function (n) { notes.appendChild(el("li", "", n)); }); }
    if (e.a) { var who = section("Actors", box); e.a.forEach(function (a) { who.appendChild(el("li", "", A[a])); }); }
    if (e.l) { var where = section("Places", box); e.l.forEach(function (p) { where.appendChild(el("li", "", p)); }); }
    if (e.g) box.appendChild(el("p", "tags", "Tags: " + e.g.join(", ")));
    var sources = section("Sources", box);
    sources.className = "sources";
    e.r.forEach(function (c) { cited(sources, c); });
    box.appendChild(el("p", "id", "cwc show " + e.i));
    detail.replaceChildren(box);
    detail.hidden = false;
    drawRows();
    close.focus();
  }
  function shut() {
    detail.hidden = true;
    var was = canvas.querySelector('.ev[data-i="' + openIndex + '"]');
    openIndex = -1;
    drawRows();
    if (was) { var again = canvas.querySelector('.ev[data-i="' + was.dataset.i + '"]'); if (again) again.focus(); }
  }

  function fillPrintList() {
    var list = document.getElementById("print-list"), all = document.createDocumentFragment();
    shown.forEach(function (e) {
      var li = el("li");
      li.appendChild(el("strong", "", e.d + ": " + e.t));
      li.appendChild(el("div", "", e.m || ""));
      li.appendChild(el("div", "src", "Sources: " + e.r.map(function (c) {
        var s = S[c[0]] || ["?"];
        return s[0] + (c[1] ? ", " + c[1] : "") + (c[2] || s[3] ? " <" + (c[2] || s[3]) + ">" : "");
      }).join("; ")));
      all.appendChild(li);
    });
    list.replaceChildren(all);
  }

  canvas.addEventListener("click", function (event) {
    var button = event.target.closest(".ev");
    if (button) open(E[+button.dataset.i]);
  });
  var pending = false;
  chart.addEventListener("scroll", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }, {passive: true});
  var typing;
  q.addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(refilter, 120); });
  [tagSelect, actorSelect, groupSelect].forEach(function (s) { s.addEventListener("change", refilter); });
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(2); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(0.5); });
  document.getElementById("zoom-fit").addEventListener("click", function () { zoom(0); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !detail.hidden) shut();
    if (event.target === q || event.target.tagName === "SELECT") return;
    if (event.key === "+" || event.key === "=") zoom(2);
    if (event.key === "-") zoom(0.5);
  });
  window.addEventListener("resize", function () { draw(); });
  window.addEventListener("beforeprint", fillPrintList);

  ppd = fitPpd();
  refilter();
  document.documentElement.dataset.ready = "true";
})();
