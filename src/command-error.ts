/** A CLI command that cannot go on for a reason the user can fix; the CLI prints only its message (no stack). */
export class CommandError extends Error {}
