/* civic-events: inside the embedded sign-up, tells the host page (embed.js) how tall the
 * content is, on load and whenever it changes. The height is no secret, so any parent may hear it. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = -1;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({type: "civic-event:size", height: height, title: document.title}, "*");
  }
  function start() {
    report();
    if (window.ResizeObserver) { new ResizeObserver(report).observe(document.documentElement); }
    window.addEventListener("resize", report);
    var notice = document.getElementById("form-notice");
    if (notice) { notice.focus(); }  // the error summary first, as on the event page
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
