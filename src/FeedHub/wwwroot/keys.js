// Keyboard navigation of the reading list and the digest: j/k move between entries, o (or Enter) opens one.
(function () {
  "use strict";
  var current = -1;
  function entries() { return Array.prototype.slice.call(document.querySelectorAll("[data-entry]")); }
  function select(index) {
    var all = entries();
    if (all.length === 0) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    if (current >= 0 && all[current]) { all[current].classList.remove("current"); }
    current = index;
    all[current].classList.add("current");
    var link = all[current].querySelector("a[data-open]");
    if (link) { link.focus({ preventScroll: true }); }
    all[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (event.key === "j") { select(current + 1); event.preventDefault(); }
    else if (event.key === "k") { select(current - 1); event.preventDefault(); }
    else if (event.key === "o" && current >= 0) {
      var link = entries()[current].querySelector("a[data-open]");
      if (link) { window.location.href = link.href; event.preventDefault(); }
    }
  });
})();
