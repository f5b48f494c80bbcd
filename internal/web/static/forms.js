// dtfund — small progressive enhancements for forms. Every form works
// without this script; it only helps:
//  - amounts: an input with data-money="yuan" or "wan" (or data-money-unit
//    naming a unit <select>) shows the amount in the other unit;
//  - dates: every <input type="date"> gets a month calendar that marks the
//    non-working days (weekends, public holidays, 调休) and says what the
//    chosen day is (第十四条（五）公示期 counts working days);
//  - forms with data-unsaved warn before leaving with unsaved changes.
(function () {
  "use strict";

  // ---- amounts ----------------------------------------------------------
  var FULL = /[\uFF10-\uFF19\uFF0E\uFF0C]/g;
  function normalise(s) {
    return s.replace(FULL, function (c) {
      var code = c.charCodeAt(0);
      if (code === 0xFF0E) return ".";
      if (code === 0xFF0C) return ",";
      return String.fromCharCode(code - 0xFF10 + 48);
    }).replace(/[,\s\u3000]/g, "");
  }
  // toFen parses a decimal string exactly (BigInt), in units of 元 × unit.
  function toFen(s, unit) {
    var m = /^(\d+)(?:\.(\d+))?$/.exec(normalise(s));
    if (!m) return null;
    var frac = (m[2] || "");
    var scale = unit === "wan" ? 6 : 2; // 万元 has six decimals of 元's fen
    if (frac.length > scale) return null;
    while (frac.length < scale) frac += "0";
    var mult = unit === "wan" ? 1000000n : 100n;
    return BigInt(m[1]) * mult + BigInt(frac || "0");
  }
  function group(s) { return s.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function yuanText(fen) {
    var c = fen % 100n, y = fen / 100n;
    return group(y.toString()) + "." + (c < 10n ? "0" : "") + c.toString() + " 元";
  }
  function wanText(fen) {
    var w = fen / 1000000n, r = (fen % 1000000n).toString();
    while (r.length < 6) r = "0" + r;
    r = r.replace(/0+$/, "");
    return group(w.toString()) + (r ? "." + r : "") + " 万元";
  }
  function moneyUnit(input) {
    var sel = input.getAttribute("data-money-unit");
    if (sel && input.form && input.form.elements[sel]) return input.form.elements[sel].value;
    return input.getAttribute("data-money");
  }
  function wireMoney(input) {
    var out = document.createElement("output");
    out.className = "money-twin";
    out.setAttribute("aria-live", "polite");
    if (input.id) out.setAttribute("for", input.id);
    var unitName = input.getAttribute("data-money-unit");
    var unitSelect = unitName && input.form ? input.form.elements[unitName] : null;
    (unitSelect || input).insertAdjacentElement("afterend", out);
    function update() {
      var v = input.value.trim(), unit = moneyUnit(input);
      if (!v) { out.textContent = ""; return; }
      var fen = toFen(v, unit);
      if (fen === null) { out.textContent = "（金额格式不正确）"; return; }
      out.textContent = "＝ " + (unit === "wan" ? yuanText(fen) : wanText(fen));
    }
    input.addEventListener("input", update);
    if (unitSelect) unitSelect.addEventListener("change", update);
    update();
  }

  // ---- dates ------------------------------------------------------------
  var years = {}; // year → promise of {date: explanation} for non-working days
  function offDays(year) {
    if (!years[year]) {
      years[year] = fetch("/public/calendar/days?year=" + year, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { off: {} }; })
        .then(function (j) { return j.off || {}; })
        .catch(function () { return {}; });
    }
    return years[year];
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(y, m, d) { return y + "-" + pad(m) + "-" + pad(d); }

  function wireDate(input) {
    var wrap = document.createElement("span");
    wrap.className = "datepick";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "datepick-btn";
    btn.textContent = "日历";
    btn.setAttribute("aria-label", "打开日历（标出休息日）");
    btn.setAttribute("aria-expanded", "false");
    wrap.appendChild(btn);
    var note = document.createElement("span");
    note.className = "hint datepick-note";
    note.setAttribute("aria-live", "polite");
    wrap.appendChild(note);
    var pop = null, shown = null;

    function explain() {
      var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      if (!m) { note.textContent = ""; return; }
      offDays(+m[1]).then(function (off) {
        note.textContent = off[input.value] ? "休息日：" + off[input.value] : "工作日";
      });
    }
    function close() {
      if (pop) { pop.remove(); pop = null; btn.setAttribute("aria-expanded", "false"); }
    }
    function render(y, m) {
      shown = { y: y, m: m };
      offDays(y).then(function (off) {
        if (!pop) return;
        pop.textContent = "";
        var head = document.createElement("div");
        head.className = "datepick-head";
        var prev = document.createElement("button"), next = document.createElement("button");
        prev.type = next.type = "button";
        prev.className = next.className = "datepick-nav";
        prev.textContent = "‹"; prev.setAttribute("aria-label", "上个月");
        next.textContent = "›"; next.setAttribute("aria-label", "下个月");
        var title = document.createElement("strong");
        title.textContent = y + "年" + m + "月";
        head.append(prev, title, next);
        prev.addEventListener("click", function () { render(m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1); });
        next.addEventListener("click", function () { render(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1); });
        pop.appendChild(head);
        var grid = document.createElement("div");
        grid.className = "datepick-grid";
        grid.setAttribute("role", "group");
        grid.setAttribute("aria-label", y + "年" + m + "月，灰色为休息日");
        "一二三四五六日".split("").forEach(function (w) {
          var h = document.createElement("span"); h.className = "datepick-dow"; h.textContent = w; grid.appendChild(h);
        });
        var first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay(); // 0 = Sunday
        for (var i = 0; i < (first + 6) % 7; i++) grid.appendChild(document.createElement("span"));
        var days = new Date(Date.UTC(y, m, 0)).getUTCDate();
        for (var d = 1; d <= days; d++) {
          var b = document.createElement("button"), day = iso(y, m, d);
          b.type = "button";
          b.textContent = d;
          b.className = "datepick-day" + (off[day] ? " off" : "") + (day === input.value ? " chosen" : "");
          b.setAttribute("aria-label", day + (off[day] ? "，休息日：" + off[day] : "，工作日"));
          if (off[day]) b.title = off[day];
          b.addEventListener("click", (function (v) {
            return function () {
              input.value = v;
              input.dispatchEvent(new Event("change", { bubbles: true }));
              close();
              input.focus();
            };
          })(day));
          grid.appendChild(b);
        }
        pop.appendChild(grid);
      });
    }
    btn.addEventListener("click", function () {
      if (pop) { close(); return; }
      pop = document.createElement("div");
      pop.className = "datepick-pop";
      wrap.appendChild(pop);
      btn.setAttribute("aria-expanded", "true");
      var m = /^(\d{4})-(\d{2})/.exec(input.value), now = new Date();
      render(m ? +m[1] : now.getFullYear(), m ? +m[2] : now.getMonth() + 1);
    });
    wrap.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); btn.focus(); } });
    input.addEventListener("change", explain);
    explain();
  }

  // ---- unsaved changes -------------------------------------------------
  function wireUnsaved(form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) {
      if (dirty) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  document.querySelectorAll("input[data-money], input[data-money-unit]").forEach(wireMoney);
  document.querySelectorAll('input[type="date"]').forEach(wireDate);
  document.querySelectorAll("form[data-unsaved]").forEach(wireUnsaved);
})();
