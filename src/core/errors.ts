/** Where a bad input was found: a file (or request) with an optional line and field. */
export interface InputLocation {
  source: string;
  line?: number;
  field?: string;
}

/** Formats a location as `file:line: field` for error messages. */
export function formatLocation(loc: InputLocation): string {
  let text = loc.source;
  if (loc.line !== undefined) text += `:${loc.line}`;
  if (loc.field !== undefined) text += `: field '${loc.field}'`;
  return text;
}

/** A user-facing error about bad input; its message names where the problem is. */
export class InputError extends Error {
  readonly location: InputLocation;
  readonly reason: string;

  constructor(location: InputLocation, reason: string) {
    super(`${formatLocation(location)}: ${reason}`);
    this.name = "InputError";
    this.location = location;
    this.reason = reason;
  }
}

/** An error in a stored artifact or internal invariant that a user cannot fix by changing a request. */
export class PalateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PalateError";
  }
}
