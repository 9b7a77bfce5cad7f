// Quick exit: with JavaScript on, replace this page in the history so "back" does not return here,
// then go to a neutral site. Without JavaScript the link still works as an ordinary link.
(function () {
  "use strict";
  function leave(event) {
    var link = document.getElementById("quick-exit");
    if (!link) { return; }
    if (event) { event.preventDefault(); }
    try { document.body.innerHTML = ""; } catch (e) { /* ignore */ }
    window.location.replace(link.href);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("quick-exit");
    if (link) { link.addEventListener("click", leave); }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && event.shiftKey) { leave(event); }
    });
  });
})();
