const LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LEVELS)[number];

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** Plain lines on stderr, `level message`, below the configured level only. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LEVELS.indexOf(level);
  const at = (name: Exclude<LogLevel, 'silent'>) => (LEVELS.indexOf(name) <= threshold ? (message: string) => write(`${name} ${message}`) : () => {});
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
