import { useEffect, useState } from 'preact/hooks'

/** Seconds left until `seconds` from mount; calls onDone once at zero. */
export function useCountdown(seconds: number | undefined, onDone?: () => void): number {
  const [left, setLeft] = useState(seconds ?? 0)
  useEffect(() => {
    if (seconds === undefined) return undefined
    setLeft(seconds)
    const endsAt = Date.now() + seconds * 1000
    const timer = setInterval(() => {
      const remaining = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000))
      setLeft(remaining)
      if (remaining === 0) {
        clearInterval(timer)
        onDone?.()
      }
    }, 250)
    return () => clearInterval(timer)
    // onDone is a notification, not an input: restarting the timer when it changes would reset the wait.
  }, [seconds])
  return left
}
