// Simple charts drawn with Observable Plot from a JSON spec the server puts in the page.
//
// Markup (either form; a data-chart value that is not a JSON object is ignored, so it may name
// the chart):
//   <figure data-chart="{&quot;type&quot;:&quot;line&quot;, ...}"></figure>   (what Cairn's pages write)
//   <figure data-chart>
//     <script type="application/json">{"type":"line", ...}</script>
//   </figure>
//
// Cairn writes the attribute form: htmx drops <script> elements, data blocks included, from what
// it swaps into a page. A <script type="application/json"> block is data, never run, so the CSP
// allows it where a page is loaded whole.
//
// Spec (a "timeline" spec is described at buildTimeline; line charts may add "comparisons"):
//   type         "line", "bar" or "timeline"
//   title        what the chart shows; becomes the chart's accessible name (required)
//   description  optional longer text for screen readers
//   x, y         field names in each datum (default "x" and "y")
//   xLabel, yLabel  axis labels (default: the field names)
//   data         [{...}, ...]; x values written as YYYY-MM-DD are read as dates
//
// The page should also give the same figures as a table or text: a chart is never the only
// way to read a number.
//
// CSP: Plot puts a <style> element inside each chart, which style-src 'self' refuses. It is
// taken out before the chart enters the page (so the browser reports no violation) and
// cairn.css styles .cairn-plot instead. Plot's other styling is presentation attributes
// (fill, font-size) and CSSOM property writes, which the CSP allows. (Plot's legends and
// tooltips add <style> elements of their own; they are not used here.)
import { plot, lineY, dot, barX, barY, ruleY, text } from "@observablehq/plot";

const kIsoDate = /^\d{4}-\d{2}-\d{2}$/;
const kHeight = 260;
const kMinWidth = 240;
const drawnWidth = new WeakMap();
const observer =
  typeof ResizeObserver === "function"
    ? new ResizeObserver((entries) => entries.forEach((entry) => draw(entry.target)))
    : null;

// Draws every [data-chart] at or under `root` (an element or document).
export function renderCharts(root = document) {
  const charts = [];
  if (root.matches && root.matches("[data-chart]")) charts.push(root);
  if (root.querySelectorAll) charts.push(...root.querySelectorAll("[data-chart]"));
  for (const element of charts) {
    draw(element);
    if (observer) observer.observe(element);
  }
}

// The spec of a chart element, or throws saying why not.
export function readSpec(element) {
  // The attribute is the spec when it holds a JSON object; otherwise (empty, or a name for the
  // chart) the spec is in the script block.
  const attribute = (element.getAttribute("data-chart") || "").trim();
  let text = attribute;
  if (!attribute.startsWith("{")) {
    const block = element.querySelector(':scope > script[type="application/json"]');
    if (!block) throw new Error("no JSON spec: give data-chart a value or add a script block");
    text = block.textContent;
  }
  const spec = JSON.parse(text);
  if (spec.type === "timeline") {
    if (!Array.isArray(spec.lanes) || !Array.isArray(spec.bars) || !Array.isArray(spec.marks)) {
      throw new Error("a timeline needs lanes, bars and marks lists");
    }
    return spec;
  }
  if (spec.type !== "line" && spec.type !== "bar") {
    throw new Error(`chart type must be "line", "bar" or "timeline", not ${JSON.stringify(spec.type)}`);
  }
  if (!Array.isArray(spec.data)) throw new Error("chart data must be a list");
  return spec;
}

// A deadline's shape and colour on a timeline: the same shapes and colours as the status words
// on the page (cairn.css .status-*), so colour is never the only signal.
const kStatusMarks = {
  met: { symbol: "circle", color: "#1c6331", hollow: false },
  "met-late": { symbol: "circle", color: "#5b3a8c", hollow: true },
  overdue: { symbol: "triangle", color: "#a4221b", hollow: false },
  due: { symbol: "diamond", color: "#6e4500", hollow: false },
  unknown: { symbol: "square", color: "#4a5360", hollow: true },
};

const isoDate = (text) => new Date(`${text}T00:00:00Z`);

// England, region, neighbours: dark colours (4.5:1 or more on white) and different dashes.
const kComparisonStyles = [
  { color: "#1b1f24", dash: "6,3" },
  { color: "#6e4500", dash: "2,3" },
  { color: "#5b3a8c", dash: "8,3,2,3" },
];

// Timeline spec: {type: "timeline", title, description, lanes: [name...], bars: [{lane, from,
// to, open, label}], marks: [{lane, date, status, label}]}; dates YYYY-MM-DD.
function buildTimeline(spec, width, doc) {
  const bars = spec.bars.map((bar) => ({ ...bar, from: isoDate(bar.from), to: isoDate(bar.to) }));
  const points = spec.marks.map((mark) => ({
    ...mark,
    date: isoDate(mark.date),
    ...(kStatusMarks[mark.status] || kStatusMarks.unknown),
  }));
  const lanes = spec.lanes.filter(
    (lane) => bars.some((bar) => bar.lane === lane) || points.some((point) => point.lane === lane),
  );
  const svg = plot({
    document: doc,
    className: "cairn-plot",
    width,
    height: Math.max(120, 36 * lanes.length + 60),
    marginLeft: 130,
    marginBottom: 40,
    ariaLabel: spec.title || "Timeline",
    ariaDescription: spec.description,
    x: { type: "utc", label: null, ticks: Math.max(2, Math.floor((width - 130) / 110)) },
    y: { domain: lanes, label: null },
    symbol: { type: "identity" },
    marks: [
      barX(bars, { x1: "from", x2: "to", y: "lane", fill: "var(--chart-bar)", fillOpacity: 0.75, inset: 4 }),
      dot(points.filter((point) => !point.hollow), {
        x: "date",
        y: "lane",
        symbol: "symbol",
        fill: "color",
        r: 5,
      }),
      dot(points.filter((point) => point.hollow), {
        x: "date",
        y: "lane",
        symbol: "symbol",
        stroke: "color",
        strokeWidth: 2,
        fill: "white",
        r: 5,
      }),
    ],
  });
  for (const style of svg.querySelectorAll("style")) style.remove();
  for (const labelled of svg.querySelectorAll("[aria-label]")) labelled.removeAttribute("aria-label");
  svg.setAttribute("role", "img");
  svg.setAttribute("focusable", "false");
  return svg;
}

// Builds the chart's SVG for a given width, without putting it in the page.
export function buildChart(spec, width, doc = document) {
  if (spec.type === "timeline") return buildTimeline(spec, width, doc);
  const x = spec.x || "x";
  const y = spec.y || "y";
  const data = spec.data.map((datum) => {
    const value = datum[x];
    return typeof value === "string" && kIsoDate.test(value)
      ? { ...datum, [x]: new Date(`${value}T00:00:00Z`) }
      : datum;
  });
  const marks =
    spec.type === "bar"
      ? [barY(data, { x, y, fill: "var(--chart-bar)" }), ruleY([0])]
      : [
          lineY(data, { x, y, stroke: "var(--chart-line)", strokeWidth: 2 }),
          dot(data, { x, y, fill: "var(--chart-line)", r: 3 }),
          ruleY([0]),
        ];
  // Published comparisons (England, region, neighbours): dashed lines, each named at its last
  // point, so neither colour nor a legend is needed to tell them apart.
  (spec.comparisons || []).forEach((comparison, index) => {
    const points = (comparison.data || []).map((datum) => ({ ...datum, x: isoDate(datum.x) }));
    if (points.length === 0) return;
    const style = kComparisonStyles[index % kComparisonStyles.length];
    marks.push(
      lineY(points, { x: "x", y: "y", stroke: style.color, strokeWidth: 1.5, strokeDasharray: style.dash }),
      dot(points, { x: "x", y: "y", stroke: style.color, fill: "white", r: 2.5 }),
      text(points.slice(-1), {
        x: "x",
        y: "y",
        text: () => comparison.label,
        dx: -4,
        dy: -8 - 10 * index,
        textAnchor: "end",
        fill: style.color,
      }),
    );
  });
  const xScale =
    spec.type === "bar"
      ? // Bars in the order given, not sorted.
        { type: "band", domain: data.map((datum) => datum[x]) }
      : // About one tick per 90px, and no more ticks than points.
        { ticks: Math.max(2, Math.min(data.length, Math.floor(width / 90))) };
  const svg = plot({
    document: doc,
    className: "cairn-plot",
    width,
    height: kHeight,
    marginLeft: 48,
    marginBottom: 48,
    ariaLabel: spec.title || "Chart",
    ariaDescription: spec.description,
    x: { label: spec.xLabel ?? x, labelOffset: 42, ...xScale },
    y: { label: spec.yLabel ?? y, grid: true, nice: true },
    marks,
  });
  for (const style of svg.querySelectorAll("style")) style.remove();
  // Plot names each group of marks ("line", "dot", ...) with aria-label, which ARIA does not
  // allow on an element with no role. The chart is one image with one name: keep that.
  for (const labelled of svg.querySelectorAll("[aria-label]")) labelled.removeAttribute("aria-label");
  svg.setAttribute("role", "img");
  svg.setAttribute("focusable", "false");
  return svg;
}

function draw(element) {
  const width = Math.max(kMinWidth, Math.floor(element.getBoundingClientRect().width));
  if (drawnWidth.get(element) === width) return;
  drawnWidth.set(element, width);
  for (const old of element.querySelectorAll(":scope > .cairn-plot, :scope > .chart-error")) {
    old.remove();
  }
  try {
    element.append(buildChart(readSpec(element), width, element.ownerDocument));
  } catch (error) {
    const message = element.ownerDocument.createElement("p");
    message.className = "chart-error error";
    message.textContent = "This chart could not be drawn.";
    element.append(message);
    console.error("Cairn chart:", error);
  }
}
