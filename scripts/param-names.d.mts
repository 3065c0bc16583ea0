// Types of what test/layout/param-names.test.ts reads from the parameter-name count.
export interface SourceParam {
  name: string;
  line: number;
  /** One or two letters and not one of the allowed short names. */
  short: boolean;
}
export function sourceParams(text: string, file: string): SourceParam[];
