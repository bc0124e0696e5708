// Small number helpers shared by the benchmark reports.

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Bytes as kB (1000) with one decimal, the unit size-limit and bundlephobia print. */
export const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** Bytes as MB (10^6) with one decimal. */
export const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Milliseconds with a precision that suits their size. */
export const ms = (value) =>
  value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;

/** A ratio like "1.42×". */
export const ratio = (value) => `${value.toFixed(2)}×`;
