// Times in the reader's own zone: the server writes each <time data-local> in the site's zone with the zone named,
// the same for everyone (pages are cached); the browser knows the reader's zone, so it rewrites them here, in the
// page's language, with the zone named too. Without JavaScript the server's text stays, which is still right.
(function () {
  "use strict";
  if (typeof Intl === "undefined" || !Intl.DateTimeFormat) { return; }
  var language = document.documentElement.lang || undefined;
  var styles = {
    datetime: { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" },
    time: { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
  };
  var formats = {};
  function format(style) {
    if (!formats[style]) { formats[style] = new Intl.DateTimeFormat(language, styles[style] || styles.datetime); }
    return formats[style];
  }
  var times = document.querySelectorAll("time[data-local][datetime]");
  for (var i = 0; i < times.length; i++) {
    var time = times[i];
    var instant = new Date(time.getAttribute("datetime"));
    if (isNaN(instant.getTime())) { continue; }
    time.title = time.textContent;
    time.textContent = format(time.getAttribute("data-local")).format(instant);
    time.setAttribute("data-shown", "reader");
  }
})();
