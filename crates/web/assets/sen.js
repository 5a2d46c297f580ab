// Sen CRM: the few behaviours htmx does not cover. No inline scripts (CSP), no framework.
(function () {
  "use strict";
  // Language switch and other selects that apply at once.
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  // Destructive actions ask once, naming the record.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var q = form.getAttribute && form.getAttribute("data-confirm");
    if (q && !window.confirm(q)) e.preventDefault();
  }, true);
  // Esc closes the phone menu and any open user menu.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var nav = document.getElementById("nav-toggle");
    if (nav) nav.checked = false;
    document.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
  });
  // "/" focuses search, "n" creates in the current view (ui.md).
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var target = document.querySelector('[data-shortcut="' + e.key + '"]');
    if (!target) return;
    e.preventDefault();
    if (target.tagName === "A") target.click(); else target.focus();
  });
  // Toasts: a short message that goes away by itself (window.senToast for other scripts).
  var toastTimer = null;
  window.senToast = function (text, kind) {
    var t = document.getElementById("toast");
    if (!t) return;
    t.textContent = text;
    t.className = "toast" + (kind ? " toast-" + kind : "");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.textContent = ""; }, 4000);
  };
  // Dialogs: htmx fills #dialog-body, the dialog opens; closing empties it.
  var dialog = document.getElementById("dialog");
  if (dialog) {
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.detail.target && e.detail.target.id === "dialog-body" && !dialog.open) {
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      }
    });
    dialog.addEventListener("close", function () {
      document.getElementById("dialog-body").innerHTML = "";
      document.dispatchEvent(new CustomEvent("dialog-closed"));
    });
    document.addEventListener("click", function (e) {
      var c = e.target.closest && e.target.closest("[data-close-dialog]");
      if (c && dialog.open) { e.preventDefault(); dialog.close(); }
    });
  }
  // A 204 from a dialog form means "done": close the dialog.
  document.body.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail.xhr;
    if (xhr && xhr.status === 204 && dialog && dialog.open && dialog.contains(e.detail.elt)) dialog.close();
  });
  // "Cancel" on inline forms (quick create) empties their container.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-clear]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-clear"));
    if (el) el.innerHTML = "";
  });
  // The advanced filter builder writes conditions into the filter text.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-add-condition]");
    if (!b) return;
    var form = b.closest("form");
    var field = form.querySelector("#fb-field");
    var op = form.querySelector("#fb-op").value;
    var raw = form.querySelector("#fb-value").value.trim();
    var kind = field.selectedOptions[0].getAttribute("data-kind");
    var cond;
    if (op === "null") cond = field.value + " = null";
    else {
      var value = raw;
      if (kind === "text" || (kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(raw))) {
        value = '"' + raw.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
      }
      if (!raw) return;
      cond = field.value + " " + op + " " + value;
    }
    var area = form.querySelector("#filter");
    area.value = area.value.trim() ? area.value.trim() + " and " + cond : cond;
    form.querySelector("#fb-value").value = "";
  });
})();
// Rich-text notes: a textarea becomes a small editor (bold, italic, list) whose HTML goes
// back into the textarea on every change, so the form posts it; without JS the textarea
// posts plain text. Typing "@" offers the workspace's people to mention.
(function () {
  "use strict";
  function toolbarButton(label, cmd, title) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.title = title || cmd;
    b.setAttribute("data-cmd", cmd);
    return b;
  }
  function enhance(area) {
    if (area.getAttribute("data-enhanced")) return;
    area.setAttribute("data-enhanced", "1");
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.appendChild(toolbarButton("B", "bold"));
    bar.appendChild(toolbarButton("I", "italic"));
    bar.appendChild(toolbarButton("•", "insertUnorderedList", "list"));
    var ed = document.createElement("div");
    ed.className = "rich-editor";
    ed.contentEditable = "true";
    ed.setAttribute("role", "textbox");
    ed.setAttribute("aria-multiline", "true");
    ed.setAttribute("data-placeholder", area.getAttribute("placeholder") || "");
    var label = area.id && document.querySelector('label[for="' + area.id + '"]');
    if (label) ed.setAttribute("aria-label", label.textContent);
    area.hidden = true;
    area.parentNode.insertBefore(bar, area);
    area.parentNode.insertBefore(ed, area);
    var sync = function () { area.value = ed.textContent.trim() ? ed.innerHTML : ""; };
    ed.addEventListener("input", sync);
    bar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-cmd]");
      if (!b) return;
      ed.focus();
      document.execCommand(b.getAttribute("data-cmd"));
      sync();
    });
    var names = (area.getAttribute("data-mentions") || "").split("\n").filter(Boolean);
    if (names.length) mentions(ed, names, sync);
  }
  function mentions(ed, names, sync) {
    var menu = null, items = [], pick = 0;
    function close() { if (menu) { menu.remove(); menu = null; } }
    function query() {
      var sel = window.getSelection();
      if (!sel.rangeCount) return null;
      var node = sel.anchorNode;
      if (!node || node.nodeType !== 3) return null;
      var before = node.textContent.slice(0, sel.anchorOffset);
      var m = /(^|\s)@([^\s@]{0,30})$/.exec(before);
      return m ? { node: node, start: sel.anchorOffset - m[2].length - 1, text: m[2].toLowerCase() } : null;
    }
    function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").toLowerCase(); }
    function insert(name) {
      var q = query();
      if (!q) return close();
      var range = document.createRange();
      range.setStart(q.node, q.start);
      range.setEnd(q.node, window.getSelection().anchorOffset);
      range.deleteContents();
      var text = document.createTextNode("@" + name + "\u00a0");
      range.insertNode(text);
      var sel = window.getSelection();
      sel.removeAllRanges();
      var after = document.createRange();
      after.setStartAfter(text);
      sel.addRange(after);
      close();
      sync();
    }
    ed.addEventListener("keyup", function (e) {
      if (["ArrowDown", "ArrowUp", "Enter", "Escape"].indexOf(e.key) >= 0) return;
      var q = query();
      if (!q) return close();
      items = names.filter(function (n) { return fold(n).indexOf(fold(q.text)) >= 0; }).slice(0, 6);
      if (!items.length) return close();
      if (!menu) {
        menu = document.createElement("ul");
        menu.className = "mention-menu";
        menu.setAttribute("role", "listbox");
        document.body.appendChild(menu);
        menu.addEventListener("mousedown", function (ev) {
          var li = ev.target.closest("li");
          if (li) { ev.preventDefault(); insert(li.textContent); }
        });
      }
      pick = 0;
      menu.innerHTML = "";
      items.forEach(function (n, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = n;
        li.setAttribute("aria-selected", i === 0 ? "true" : "false");
        menu.appendChild(li);
      });
      var r = window.getSelection().getRangeAt(0).getBoundingClientRect();
      menu.style.left = (r.left + window.scrollX) + "px";
      menu.style.top = (r.bottom + window.scrollY + 4) + "px";
    });
    ed.addEventListener("keydown", function (e) {
      if (!menu) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        pick = (pick + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        Array.prototype.forEach.call(menu.children, function (li, i) { li.setAttribute("aria-selected", i === pick ? "true" : "false"); });
      } else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        insert(items[pick]);
      } else if (e.key === "Escape") {
        close();
      }
    });
    // Close when the editor really lost focus (a click elsewhere), not on a passing blur
    // after which focus came straight back (a refreshed part of the page).
    ed.addEventListener("blur", function () {
      setTimeout(function () { if (document.activeElement !== ed) close(); }, 150);
    });
  }
  function all(root) {
    (root || document).querySelectorAll("textarea[data-rich-editor]").forEach(enhance);
  }
  document.addEventListener("DOMContentLoaded", function () { all(); });
  document.addEventListener("htmx:load", function (e) { all(e.target); });
})();
// A form that comes back refused (422) shows its errors in place: htmx would not swap it.
document.addEventListener("htmx:beforeSwap", function (e) {
  if (e.detail.xhr && e.detail.xhr.status === 422) {
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  }
});
