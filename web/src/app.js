// Cairn's browser code: htmx for partial page updates, and the charts. esbuild bundles this
// file and everything it imports into one minified app.js that the server embeds and serves
// from its own origin; pages load it with <script src=".../app.js" defer>. Nothing here may
// rely on inline script or inline style: the server's Content-Security-Policy is
// script-src 'self'; style-src 'self'.
import htmx from "htmx.org";
import { renderCharts } from "./charts.js";
import { enhanceTables } from "./tables.js";

// Settings that must be in place before htmx starts. htmx starts on DOMContentLoaded, which
// comes after a deferred script has run, so setting them here is in time.
Object.assign(htmx.config, {
  // htmx would otherwise add a <style> element for its request indicators, which the CSP
  // refuses; cairn.css carries the same rules.
  includeIndicatorStyles: false,
  // Pages hold children's records: keep no copy of them in the browser's storage. Going back
  // to a page asks the server for it again.
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  // hx-on, js: values and trigger filters evaluate strings as code; the CSP forbids it, so
  // say so plainly instead of failing half way.
  allowEval: false,
  // Swapped-in HTML never runs scripts.
  allowScriptTags: false,
  // Requests go to Cairn's own origin only (the default in htmx 2; stated to keep it so).
  selfRequestsOnly: true,
});

// The CSRF token is in <meta name="csrf-token" content="...">. It is read for each request,
// not once, so a page whose token the server has replaced sends the new one.
export function csrfToken(doc = document) {
  const meta = doc.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

document.addEventListener("htmx:configRequest", (event) => {
  const token = csrfToken();
  if (token) event.detail.headers["X-CSRF-Token"] = token;
});

// Charts on the first page and in every fragment htmx swaps in (onLoad runs for the body once
// htmx has started, then for each new piece of content).
htmx.onLoad((element) => {
  renderCharts(element);
  enhanceTables(element);
});

// Exposed for the browser console and for htmx extensions, as the htmx script tag would.
window.htmx = htmx;
