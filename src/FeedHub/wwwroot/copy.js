// The subscribe page's copy buttons: each copies the feed address beside it (the addresses stay selectable without it).
(function () {
  "use strict";
  document.querySelectorAll("button.copy").forEach(function (button) {
    var address = button.parentElement.querySelector("input.address");
    if (!address) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      address.select();
      var done = function () {
        button.textContent = button.dataset.copied;
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(address.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
})();
