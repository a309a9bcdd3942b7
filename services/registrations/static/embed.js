/* civic-events: embeds an event's sign-up form on another website.
 *
 *   <script src="https://<public site>/embed.js" defer></script>
 *   <div data-civic-event="42"><a href="https://<public site>/events/42">Zur Anmeldung</a></div>
 *
 * Replaces the link in each such div with an iframe of /embed/events/42 (the link stays
 * where the frame cannot load) and keeps the frame as tall as its content: the page inside
 * posts its height. Optional: data-lang="en". No cookies, no other requests.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) { return; }
  var root = script.src.replace(/\/embed\.js(?:[?#].*)?$/, "");
  var origin = new URL(root).origin;
  var frames = [];

  function mount(holder) {
    var id = holder.getAttribute("data-civic-event") || "";
    if (!/^\d{1,10}$/.test(id) || holder.getAttribute("data-civic-mounted")) { return; }
    var lang = holder.getAttribute("data-lang");
    var frame = document.createElement("iframe");
    frame.src = root + "/embed/events/" + id + (lang === "de" || lang === "en" ? "?lang=" + lang : "");
    frame.title = lang === "en" ? "Event sign-up" : "Anmeldung zur Veranstaltung";
    frame.setAttribute("data-civic-embed", id);
    frame.style.cssText = "display:block;width:100%;height:32rem;border:0;";
    holder.setAttribute("data-civic-mounted", "1");
    holder.appendChild(frame);
    frames.push({frame: frame, holder: holder, shown: false});
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "civic-event:size") { return; }
    frames.forEach(function (entry) {
      if (entry.frame.contentWindow !== event.source) { return; }
      var height = Math.max(80, Math.min(20000, Math.ceil(Number(data.height) || 0)));
      entry.frame.style.height = height + "px";
      if (typeof data.title === "string" && data.title) { entry.frame.title = data.title.slice(0, 300); }
      if (!entry.shown) {
        // the frame loaded (a refused frame posts nothing): the fallback link can go
        entry.shown = true;
        Array.prototype.slice.call(entry.holder.childNodes).forEach(function (node) {
          if (node !== entry.frame) { entry.holder.removeChild(node); }
        });
      }
    });
  });

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-civic-event]"), mount);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
