/** An error RouterOS would print; `message` is the exact text (e.g. `failure: no such item`). */
export class RouterOsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterOsError';
  }

  static failure(reason: string): RouterOsError {
    return new RouterOsError(`failure: ${reason}`);
  }

  static badCommand(name: string, line: number, column: number): RouterOsError {
    return new RouterOsError(`bad command name ${name} (line ${line} column ${column})`);
  }

  static unexpected(line: number, column: number): RouterOsError {
    return new RouterOsError(`expected end of command (line ${line} column ${column})`);
  }

  static invalidValue(argument: string): RouterOsError {
    return new RouterOsError(`invalid value for argument ${argument}`);
  }
}
