// Counted nouns, said properly ("1 item", "3 items") instead of "item(s)": one rule for pages
// (the `plural` Handlebars helper), the CLI and messages.

/** The singular for exactly one, else the plural (by default the singular plus "s"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** 1 → "1 item", 3 → "3 items". */
export function counted(n: number, one: string, many?: string): string {
  return `${n} ${plural(n, one, many)}`;
}
