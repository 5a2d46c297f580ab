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
