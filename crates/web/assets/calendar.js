// The calendar page: FullCalendar (vendored) over GET /api/v1/meetings. Dragging or
// resizing a meeting saves it (one occurrence of a repeating one); clicking opens its
// dialog; clicking an empty slot schedules a meeting there.
(function () {
  "use strict";
  var el = document.getElementById("calendar");
  if (!el || !window.FullCalendar) return;
  var csrf = el.getAttribute("data-csrf");
  // The calendar shows wall-clock times of the user's zone (not the browser's): it runs in
  // "UTC" mode on wall times, converted here both ways.
  var zone = el.getAttribute("data-time-zone") || "UTC";
  var parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  function wallMs(utcMs) {
    var p = {};
    parts.formatToParts(new Date(utcMs)).forEach(function (x) { p[x.type] = x.value; });
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
  }
  function toWall(iso) { return new Date(wallMs(Date.parse(iso))).toISOString().slice(0, 19); }
  function nextDay(ymd) { return new Date(Date.parse(ymd + "T00:00:00Z") + 86400000).toISOString().slice(0, 10); }
  function fromWall(date) {
    var w = date.getTime(), t = w;
    for (var i = 0; i < 3; i++) t = w - (wallMs(t) - t);
    return new Date(t).toISOString();
  }
  function openDialog(url) {
    if (window.htmx) window.htmx.ajax("GET", url, { target: "#dialog-body" });
    else window.location.href = url;
  }
  function save(info) {
    var ev = info.event, p = ev.extendedProps;
    var body;
    if (ev.allDay) {
      // Whole days: the end shown is exclusive; the meeting's stop is its last day.
      var last = ev.end ? new Date(ev.end.getTime() - 86400000) : ev.start;
      body = { version: p.version, start: ev.start.toISOString().slice(0, 10), stop: last.toISOString().slice(0, 10) };
    } else {
      body = { version: p.version, start: fromWall(ev.start), stop: fromWall(ev.end || ev.start) };
    }
    if (p.recurring) { body.scope = "this"; body.occurrence = p.occurrence; }
    fetch("/api/v1/meetings/" + p.seriesId, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      if (window.senToast) window.senToast(el.getAttribute("data-moved"), "ok");
      cal.refetchEvents();
    }).catch(function () {
      info.revert();
      if (window.senToast) window.senToast(el.getAttribute("data-failed"), "error");
    });
  }
  var cal = new FullCalendar.Calendar(el, {
    locale: el.getAttribute("data-locale"),
    timeZone: "UTC",
    initialView: window.innerWidth < 700 ? "timeGridDay" : "timeGridWeek",
    headerToolbar: { left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek,timeGridDay" },
    nowIndicator: true,
    scrollTime: "07:00:00",
    height: Math.max(520, window.innerHeight - 220),
    editable: true,
    selectable: true,
    events: function (range, ok, fail) {
      var q = "?from=" + encodeURIComponent(fromWall(range.start)) + "&to=" + encodeURIComponent(fromWall(range.end));
      fetch("/api/v1/meetings" + q, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) {
          ok(data.items.map(function (o) {
            return {
              id: o.meeting_id + "@" + o.start,
              title: o.name + (o.location ? " · " + o.location : ""),
              start: o.all_day ? toWall(o.start).slice(0, 10) : toWall(o.start),
              end: o.all_day ? nextDay(toWall(o.stop).slice(0, 10)) : toWall(o.stop),
              allDay: o.all_day,
              classNames: o.recurring ? ["meeting-recurring"] : [],
              extendedProps: { seriesId: o.meeting_id, version: o.version, recurring: o.recurring && o.meeting_id === o.series_id, occurrence: o.recurrence_start }
            };
          }));
        })
        .catch(fail);
    },
    eventDrop: save,
    eventResize: save,
    eventClick: function (info) {
      info.jsEvent.preventDefault();
      var p = info.event.extendedProps;
      var url = "/meetings/" + p.seriesId + "/edit" + (p.recurring ? "?occurrence=" + encodeURIComponent(p.occurrence) : "");
      openDialog(url);
    },
    select: function (info) {
      openDialog("/meetings/new?start=" + encodeURIComponent(info.start.toISOString().slice(0, 16)) + (info.allDay ? "&all_day=true" : ""));
      cal.unselect();
    }
  });
  cal.render();
  document.addEventListener("dialog-closed", function () { cal.refetchEvents(); });
})();
