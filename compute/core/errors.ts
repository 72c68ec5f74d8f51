/** An error whose message is meant for the user; `code` is stable for programs. */
export class CoreError extends Error {
  constructor(
    message: string,
    readonly code = 'failed',
  ) {
    super(message);
    this.name = 'CoreError';
  }
}
