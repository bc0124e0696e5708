// A small horizontal bar chart as SVG text, for docs/benchmarks-*.svg. No dependencies: panels of
// labelled bars on a shared linear scale, the value printed at the end of each bar, and an
// optional dashed marker per panel (a budget).

const esc = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * @param {{ title: string, subtitle?: string, panels: Array<{ title: string, marker?: { value: number,
 *   label: string }, bars: Array<{ label: string, value: number | null, text: string,
 *   highlight?: boolean }> }> }} chart
 * @returns {string} the SVG document
 */
export function barChart({ title, subtitle, panels }) {
  const width = 800;
  const labelWidth = 270;
  const valueWidth = 150;
  const barArea = width - labelWidth - valueWidth - 20;
  const barHeight = 20;
  const gap = 6;
  let y = subtitle ? 62 : 44;
  const parts = [];
  for (const panel of panels) {
    const values = panel.bars.map((b) => b.value ?? 0);
    const max = Math.max(...values, panel.marker?.value ?? 0) || 1;
    const scale = (v) => (v / max) * barArea;
    parts.push(`<text x="10" y="${y + 14}" class="panel">${esc(panel.title)}</text>`);
    y += 24;
    const top = y;
    // The marker goes in before the bars and labels, so it is drawn under them.
    const markerAt = parts.length;
    for (const bar of panel.bars) {
      const w = bar.value == null ? 0 : Math.max(2, scale(bar.value));
      const fill = bar.highlight ? "#2563eb" : "#94a3b8";
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 15}" class="label" text-anchor="end">${esc(bar.label)}</text>`,
        bar.value == null
          ? ""
          : `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" rx="2" fill="${fill}"/>`,
        `<text x="${labelWidth + w + 6}" y="${y + 15}" class="value">${esc(bar.text)}</text>`,
      );
      y += barHeight + gap;
    }
    if (panel.marker) {
      const x = labelWidth + scale(panel.marker.value);
      parts.splice(
        markerAt,
        0,
        `<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${y - gap + 4}" class="marker"/>`,
        `<text x="${x.toFixed(1)}" y="${top - 7}" class="marker-label" text-anchor="middle">${esc(panel.marker.label)}</text>`,
      );
    }
    y += 18;
  }
  const height = y;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<style>
  text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; fill: #1f2937; }
  .title { font-size: 17px; font-weight: 600; }
  .subtitle { font-size: 12px; fill: #4b5563; }
  .panel { font-size: 14px; font-weight: 600; }
  .label { font-size: 12.5px; }
  .value { font-size: 12px; fill: #374151; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
  .marker { stroke: #dc2626; stroke-width: 1.5; stroke-dasharray: 4 3; }
  .marker-label { font-size: 11px; fill: #dc2626; }
</style>
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="10" y="26" class="title">${esc(title)}</text>
${subtitle ? `<text x="10" y="46" class="subtitle">${esc(subtitle)}</text>\n` : ""}${parts.filter(Boolean).join("\n")}
</svg>
`;
}
