// Keyboard navigation. On a list (the reading list, a search, a digest day): j/k move between entries and on to the
// next page (its rel=next link) or back to the page before, o (or Enter on the focused link) opens one. On an article:
// j/k go to the older or newer article (its rel=next and rel=prev links).
(function () {
  "use strict";
  var SELECT = "feedhub-keys-select";   // which entry to select when the next page opens: "first" or "last"
  var CAME_FROM = "feedhub-keys-from:"; // per page reached with j: the page before it, for k at its first entry
  var current = -1;

  function entries() { return Array.prototype.slice.call(document.querySelectorAll("[data-entry]")); }
  function link(rel) { return document.querySelector("main a[rel=" + rel + "]"); }
  function remember(key, value) { try { sessionStorage.setItem(key, value); } catch (e) { /* private mode: no memory */ } }
  function recall(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  function forget(key) { try { sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ } }

  function select(index) {
    var all = entries();
    if (all.length === 0) { return; }
    index = Math.max(0, Math.min(all.length - 1, index));
    if (current >= 0 && all[current]) { all[current].classList.remove("current"); }
    current = index;
    all[current].classList.add("current");
    var open = all[current].querySelector("a[data-open]");
    if (open) { open.focus({ preventScroll: true }); }
    all[current].scrollIntoView({ block: "nearest" });
  }

  function go(href, selecting) {
    remember(SELECT, selecting);
    window.location.href = href;
  }

  function down() {
    var all = entries();
    if (all.length === 0) {
      var older = link("next");
      if (older) { window.location.href = older.href; }
      return;
    }
    if (current < all.length - 1) { select(current + 1); return; }
    var next = link("next");
    if (next) {
      remember(CAME_FROM + next.href, window.location.href);
      go(next.href, "first");
    }
  }

  function up() {
    var all = entries();
    if (all.length === 0) {
      var newer = link("prev");
      if (newer) { window.location.href = newer.href; }
      return;
    }
    if (current > 0) { select(current - 1); return; }
    var previous = link("prev");
    var before = previous ? previous.href : recall(CAME_FROM + window.location.href);
    if (before) { go(before, "last"); }
  }

  function arrived() {
    var selecting = recall(SELECT);
    forget(SELECT);
    if (selecting === "first") { select(0); } else if (selecting === "last") { select(entries().length - 1); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    if (event.key === "j") { down(); event.preventDefault(); }
    else if (event.key === "k") { up(); event.preventDefault(); }
    else if (event.key === "o" && current >= 0) {
      var open = entries()[current].querySelector("a[data-open]");
      if (open) { window.location.href = open.href; event.preventDefault(); }
    }
  });
  // Also when the browser shows a page from its back-forward cache, where scripts do not start again.
  window.addEventListener("pageshow", arrived);
})();
