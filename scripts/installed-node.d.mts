// Types of scripts/installed-node.mjs, for the tests that run the installed Node binaries.
export function installedNode(major: string | number): string;
export function installedNodePackage(major: string | number): string;
