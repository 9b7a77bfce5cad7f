// Public forms, with JavaScript on (everything here also works without it):
// 1. A form that came back with errors starts with an error summary (#error-summary); move the
//    focus to it, so a screen reader reads it and a phone shows it, instead of the top of a page
//    whose only error is far below.
// 2. A file field with data-max-file-bytes (the server's limits, rendered from
//    tipnet.web.report.attachments) lists, before sending, the chosen files the server would
//    refuse: too large, not a photo (unless "keep my other files" is ticked), too many, or too
//    large together. The server still decides; this only saves a wasted send.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  function checkFiles(input) {
    var data = input.dataset;
    var maxFile = parseInt(data.maxFileBytes, 10);
    var maxFiles = parseInt(data.maxFiles, 10);
    var maxTotal = parseInt(data.maxTotalBytes, 10);
    var extensions = (data.photoExtensions || "").split(" ");
    var types = (data.photoTypes || "").split(" ");
    var keep = input.form ? input.form.querySelector("input[name=keep_files]") : null;
    var problems = [];
    var total = 0;
    Array.prototype.forEach.call(input.files || [], function (file, index) {
      total += file.size;
      var isPhoto = types.indexOf(file.type) >= 0 || extensions.indexOf(extensionOf(file.name)) >= 0;
      var message = null;
      if (index >= maxFiles) { message = data.msgTooMany; }
      else if (file.size > maxFile) { message = data.msgTooBig; }
      else if (!isPhoto && !(keep && keep.checked)) { message = data.msgNotPhoto; }
      if (message) { problems.push(message.split("%(name)s").join(file.name)); }
    });
    if (total > maxTotal) { problems.unshift(data.msgTotal); }
    var box = document.getElementById(input.id + "-check");
    box.textContent = "";
    if (!problems.length) { box.hidden = true; return; }
    var heading = document.createElement("p");
    heading.textContent = data.msgHeading;
    var list = document.createElement("ul");
    problems.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
    box.hidden = false;
  }

  function enhanceFileInputs() {
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-file-bytes]"), function (input) {
      var box = document.createElement("div");
      box.id = input.id + "-check";
      box.className = "file-check";
      box.setAttribute("aria-live", "polite");
      box.hidden = true;
      input.insertAdjacentElement("afterend", box);
      var describedBy = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", (describedBy ? describedBy + " " : "") + box.id);
      input.addEventListener("change", function () { checkFiles(input); });
      var keep = input.form ? input.form.querySelector("input[name=keep_files]") : null;
      if (keep) { keep.addEventListener("change", function () { checkFiles(input); }); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceFileInputs();
    focusSummary();
  });
})();
