"use strict";
// Swagger UI renders after load and again on every expansion: each time, mend what axe
// reports in its markup (issue 24 §3). The operation's summary is a button holding a link to
// the operation (an interactive control inside another, and a 19 px target): the link is
// replaced by its text, the button still opens the operation. The servers' select gets the
// name its visible title does not give it; the parts above Swagger UI's own <main> are named
// regions.
(function () {
  function mend(root) {
    root.querySelectorAll(".opblock-summary-control a.nostyle").forEach(function (link) {
      var text = document.createElement("span");
      text.className = "nostyle";
      while (link.firstChild) text.appendChild(link.firstChild);
      link.replaceWith(text);
    });
    // Above Swagger UI's own <main>: the API's description and the servers, as named regions.
    [[".information-container", "About the API"], [".scheme-container", "Servers and authorization"]].forEach(function (pair) {
      root.querySelectorAll(pair[0] + ":not([role])").forEach(function (part) {
        part.setAttribute("role", "region");
        part.setAttribute("aria-label", pair[1]);
      });
    });
    // The tags' and the schemas' headings follow the page's h1: level 2, not 3 or 4.
    root.querySelectorAll("h3.opblock-tag:not([aria-level]), section.models > h4:not([aria-level])").forEach(function (heading) {
      heading.setAttribute("aria-level", "2");
    });
    root.querySelectorAll("select#servers:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", "Servers");
    });
  }
  var target = document.getElementById("swagger-ui");
  if (!target) return;
  new MutationObserver(function () { mend(target); }).observe(target, { childList: true, subtree: true });
  mend(target);
})();
