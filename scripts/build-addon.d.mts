// Types of what test/counter/addon.test.ts reads from the addon's build script.
export const ZIG_VERSION: string;
export const TARGETS: Record<string, { target: string; flags: string[]; windows?: boolean }>;
export function sourceHash(root?: string): string;
