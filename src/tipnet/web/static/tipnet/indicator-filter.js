// Filter the triage indicator list as the operator types (ids or words, any case). Without
// JavaScript the whole list is shown and the filter box stays hidden.
(function () {
  "use strict";
  function setUp() {
    var box = document.getElementById("indicator-filter");
    var list = document.getElementById("triage-indicators");
    if (!box || !list) { return; }
    box.parentNode.hidden = false;
    var groups = list.querySelectorAll("fieldset.indicator-group");
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      groups.forEach(function (group) {
        var shown = 0;
        group.querySelectorAll("label.indicator").forEach(function (label) {
          var text = label.textContent.toLowerCase();
          var input = label.querySelector("input");
          // A ticked indicator always stays in view, so nobody unticks what they cannot see.
          var match = input.checked || words.every(function (w) { return text.indexOf(w) !== -1; });
          label.hidden = !match;
          if (match) { shown += 1; }
        });
        group.hidden = shown === 0;
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
