// Sen CRM board: dragging cards and columns (SortableJS), the "move to stage" select, the
// dialog a stage with required fields asks, and following colleagues' moves (server-sent
// events). Moves go to the JSON API; the server renders cards and column heads.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var pipeline = board.dataset.pipeline;
  var query = board.dataset.query || "";
  var csrf = (function () {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || ""; }
    catch (e) { return ""; }
  })();
  var pending = null; // a move waiting for the requirements dialog: {card, from, index}

  function toast(text, kind) { if (window.senToast) window.senToast(text, kind); }
  function qs(extra) { return query ? (extra ? "?" + query + "&" + extra : "?" + query) : (extra ? "?" + extra : ""); }
  function cardsOf(stage) { return document.getElementById("cards-" + stage); }
  function column(stage) { return document.getElementById("col-" + stage); }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content;
  }

  // Replaces the column heads (counts, sums, bars) with the server's; a promise.
  // Answers can arrive out of order after quick moves: only the latest request's is used.
  var headsAsked = 0;
  function loadHeads() {
    var mine = ++headsAsked;
    return fetch("/pipeline/" + pipeline + "/heads" + qs(), { headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        if (!html || mine !== headsAsked) return;
        fragment(html).querySelectorAll(".column-head").forEach(function (h) {
          var old = document.getElementById(h.id);
          if (old) { old.replaceWith(h); if (window.htmx) window.htmx.process(h); }
        });
        markBars();
      });
  }

  // Colleagues' changes come in bursts: one refresh for a burst.
  var headsTimer = null;
  function refreshHeads() {
    clearTimeout(headsTimer);
    headsTimer = setTimeout(loadHeads, 60);
  }

  // Puts a server-rendered card where its stage says (or removes it: 404).
  function refreshCard(id) {
    return fetch("/pipeline/" + pipeline + "/card/" + id + qs(), { headers: { "HX-Request": "true" } })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) {
        var old = document.getElementById("card-" + id);
        if (!html) { if (old) old.remove(); return null; }
        var fresh = fragment(html).querySelector(".kcard");
        var target = cardsOf(fresh.dataset.stage);
        if (!target) { if (old) old.remove(); return null; }
        if (old && old.parentNode === target) old.replaceWith(fresh);
        else { if (old) old.remove(); target.insertBefore(fresh, target.firstChild); }
        if (window.htmx) window.htmx.process(fresh);
        return fresh;
      });
  }

  function celebrate(card) {
    if (!card) return;
    card.classList.add("celebrate");
    setTimeout(function () { card.classList.remove("celebrate"); }, 1600);
    toast(board.dataset.msgWon, "success");
  }

  function rollBack(card, from, index) {
    var ref = from.children[index] || null;
    from.insertBefore(card, ref);
    var sel = card.querySelector("select[data-move]");
    if (sel) sel.value = from.dataset.stage;
  }

  function openRequirements(card, stage) {
    var body = document.getElementById("dialog-body");
    if (!body || !window.htmx) return false;
    window.htmx.ajax("GET", "/leads/" + card.dataset.id + "/requirements?stage_id=" + stage, { target: "#dialog-body" });
    return true;
  }

  // Moves a card (already placed in its new column) on the server.
  function move(card, from, index, stage, retried, started) {
    var t0 = started || performance.now();
    card.classList.add("is-moving");
    fetch("/api/v1/leads/" + card.dataset.id, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ version: Number(card.dataset.version), stage_id: Number(stage) })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      card.classList.remove("is-moving");
      if (res.status === 200) {
        card.dataset.version = res.body.version;
        card.dataset.stage = stage;
        // Settled: the card as the server now renders it (`cardMs`), and the columns' new
        // figures (`ms`, both done). The benchmark reads this event.
        var cardMs = 0;
        var cardDone = refreshCard(card.dataset.id).then(function (fresh) {
          cardMs = performance.now() - t0;
          return fresh;
        });
        var heads = loadHeads().catch(function () { return null; });
        cardDone.catch(function () { return null; }).then(function (fresh) {
          if (res.body.outcome === "won") celebrate(fresh || card);
          return heads;
        }).then(function () {
          document.dispatchEvent(new CustomEvent("sen:move-settled", {
            detail: { id: card.dataset.id, cardMs: cardMs, ms: performance.now() - t0 }
          }));
        });
        return;
      }
      if (res.status === 409 && !retried && res.body && res.body.current && res.body.current.version) {
        // Someone saved it meanwhile: a move changes only the stage, so try once more.
        card.dataset.version = res.body.current.version;
        return move(card, from, index, stage, true, t0);
      }
      if (res.status === 422 && res.body && res.body.errors) {
        pending = { card: card, from: from, index: index };
        if (openRequirements(card, stage)) return;
      }
      rollBack(card, from, index);
      var msg = res.status === 403 ? board.dataset.msgForbidden : board.dataset.msgRefused;
      if (res.body && res.body.detail) msg += " " + res.body.detail;
      toast(msg, "error");
    }).catch(function () {
      card.classList.remove("is-moving");
      rollBack(card, from, index);
      toast(board.dataset.msgOffline, "error");
    });
  }

  // The requirements dialog saved: the move is done.
  // A colour of a column's activity bar shows only that column's records in that state;
  // the same colour again shows them all (Odoo's progress bar).
  var activityFilter = {}; // stage id -> "overdue" | "today" | "planned"
  function markBars() {
    document.querySelectorAll(".activity-bar[data-stage]").forEach(function (bar) {
      var f = activityFilter[bar.dataset.stage] || "";
      bar.querySelectorAll(".seg[data-activity]").forEach(function (s) {
        s.setAttribute("aria-pressed", String(s.dataset.activity === f));
      });
      var col = column(bar.dataset.stage);
      if (col) col.classList.toggle("activity-filtered", !!f);
    });
  }
  board.addEventListener("click", function (e) {
    var seg = e.target.closest && e.target.closest(".activity-bar .seg[data-activity]");
    if (!seg) return;
    var stage = seg.closest(".activity-bar").dataset.stage;
    var want = activityFilter[stage] === seg.dataset.activity ? "" : seg.dataset.activity;
    var extra = "stage_id=" + stage + (want ? "&activity=" + want : "");
    fetch("/pipeline/" + pipeline + "/more" + qs(extra), { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var cards = cardsOf(stage);
        if (html === null || !cards) return;
        cards.innerHTML = "";
        cards.appendChild(fragment(html));
        if (window.htmx) window.htmx.process(cards);
        activityFilter[stage] = want;
        markBars();
      });
  });

  document.body.addEventListener("board-moved", function (e) {
    var d = e.detail || {};
    pending = null;
    var dlg = document.getElementById("dialog");
    if (dlg && dlg.open) dlg.close();
    refreshCard(d.id).then(function (fresh) { if (d.won) celebrate(fresh); });
    refreshHeads();
  });
  document.body.addEventListener("board-changed", refreshHeads);
  // The dialog was closed without saving: the card goes back.
  document.addEventListener("dialog-closed", function () {
    if (!pending) return;
    rollBack(pending.card, pending.from, pending.index);
    pending = null;
  });

  function sortableCards(el) {
    if (!window.Sortable || el.dataset.sortable) return;
    el.dataset.sortable = "1";
    window.Sortable.create(el, {
      group: "cards",
      draggable: ".kcard",
      animation: 120,
      delay: 150,
      delayOnTouchOnly: true,
      ghostClass: "kcard-ghost",
      filter: "a, button, select, input, label",
      preventOnFilter: false,
      onEnd: function (ev) {
        if (ev.from === ev.to) return;
        move(ev.item, ev.from, ev.oldIndex, ev.to.dataset.stage, false);
      }
    });
  }
  document.querySelectorAll(".cards").forEach(sortableCards);

  if (board.dataset.canManage === "true" && window.Sortable) {
    window.Sortable.create(board, {
      draggable: ".column:not(.column-add)",
      handle: ".column-grip",
      animation: 150,
      onEnd: function (ev) {
        if (ev.oldIndex === ev.newIndex) return;
        var ids = Array.prototype.map.call(board.querySelectorAll(".column[data-stage]"), function (c) {
          return Number(c.dataset.stage);
        });
        fetch("/api/v1/pipelines/" + pipeline + "/stages/reorder", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ stage_ids: ids })
        }).then(function (r) {
          if (!r.ok) { toast(board.dataset.msgRefused, "error"); setTimeout(function () { location.reload(); }, 800); }
        });
      }
    });
  }

  // "Move to stage" on each card: the keyboard and phone way to move.
  board.addEventListener("change", function (e) {
    var sel = e.target;
    if (!sel.matches || !sel.matches("select[data-move]")) return;
    var card = sel.closest(".kcard");
    var from = card.parentNode;
    var index = Array.prototype.indexOf.call(from.children, card);
    var to = cardsOf(sel.value);
    if (!to || to === from) return;
    to.insertBefore(card, to.firstChild);
    move(card, from, index, sel.value, false);
    sel.focus();
  });

  // Cards loaded later (scrolling, quick create) become draggable too.
  document.body.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(".cards").forEach(sortableCards);
  });

  // Colleagues' changes, live (R12.4).
  if (window.EventSource) {
    var es = new EventSource("/api/v1/events");
    var onEvent = function (ev) {
      var data = {};
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (data.record_type !== "lead") return;
      var here = document.getElementById("card-" + data.record_id);
      if (String(data.pipeline_id) !== pipeline && !here) return;
      if (here && here.classList.contains("is-moving")) return;
      if (ev.type === "lead.deleted") { if (here) here.remove(); refreshHeads(); return; }
      refreshCard(data.record_id).then(function (fresh) {
        if (fresh) { fresh.classList.add("flash"); setTimeout(function () { fresh.classList.remove("flash"); }, 1200); }
      });
      refreshHeads();
    };
    ["lead.created", "lead.updated", "lead.deleted"].forEach(function (k) { es.addEventListener(k, onEvent); });
    es.addEventListener("resync", function () { refreshHeads(); });
  }
})();
