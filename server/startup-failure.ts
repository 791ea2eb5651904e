/** One line naming the cause of a failed start, for people and for process supervisors. No stack trace. */
export function startupFailureLine(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') return `cannot listen: the port is already in use (${err.message})`
    if (code === 'EACCES') return `cannot listen or write: permission denied (${err.message})`
    return err.message.replace(/\s+/g, ' ')
  }
  return String(err)
}
