// Index scanning helpers shared by the readers that walk manifest text in place.

/** Position of `ch` in text[from, limit), or `limit` when absent. */
export function indexBefore(text: string, ch: string, from: number, limit: number): number {
  const i = text.indexOf(ch, from);
  return i === -1 || i > limit ? limit : i;
}
