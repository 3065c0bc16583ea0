// The one shape every error in config/ takes: a `code` a caller can switch on, a short message
// naming the input and the reason, and the `cause` where another error led to it. Each subclass
// sets its `name` as a literal: the published bundle is minified, so class names are not kept.
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, for a line that names what failed. */
export const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));
