/** A trailing "(1995)" (or a "(2006–2007)" range, giving its first year) at the end of a title. */
const TITLE_YEAR = /\((\d{4})(?:\s*[-–]\s*\d{4})?\)\s*$/;

/** The release year at the end of a MovieLens title, or undefined when the title has none. */
export function yearFromTitle(title: string): number | undefined {
  const m = TITLE_YEAR.exec(title);
  return m === null ? undefined : Number(m[1]);
}
