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
})();
