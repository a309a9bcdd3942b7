/* civic-events: a form that came back with errors puts the focus on its error summary, so
 * keyboard and screen reader users start there (the page works without this script too).
 * On "load": the browser's scroll to the URL's #fragment comes first and would take it away. */
window.addEventListener("load", function () {
  "use strict";
  var notice = document.getElementById("form-notice");
  if (notice) { notice.focus(); }
});
