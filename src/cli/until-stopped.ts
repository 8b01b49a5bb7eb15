/**
 * Long-running commands (serve, exporter) stop on Ctrl-C, SIGTERM or, for tests and embedders, an
 * AbortSignal; the handlers are in place before the line that invites Ctrl-C is printed.
 */
export function untilStopped(close: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      close().then(resolve, resolve);
    };
    if (signal?.aborted === true) {
      stop();
      return;
    }
    signal?.addEventListener('abort', stop);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
