// Markdown tables, padded so they also read well in a terminal.

/**
 * @param {string[]} headers
 * @param {Array<Array<string | number>>} rows
 * @param {Array<"l" | "r">} [align] per column; by default numbers go right, text left
 */
export function table(headers, rows, align = []) {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  // Columns without a given alignment are right-aligned when every cell reads as a number.
  const numeric = /^[-+]?[\d,.]+\s*(?:[a-zµ%×/]+(?:\/s)?)?$/i;
  align = headers.map(
    (_, i) => align[i] ?? (rows.length && rows.every((r) => numeric.test(String(r[i] ?? ""))) ? "r" : "l"),
  );
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((r) => String(r[i] ?? "").length)));
  const pad = (text, i) =>
    align[i] === "r" ? String(text).padStart(widths[i]) : String(text).padEnd(widths[i]);
  const line = (r) => `| ${r.map((c, i) => pad(c ?? "", i)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (align[i] === "r" ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(headers), rule, ...cells.slice(1).map(line)].join("\n");
}
