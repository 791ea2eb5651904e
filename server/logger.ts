import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * Structured JSON logs. Redaction is a second line of defence: call sites log ids, codes and counts only, never
 * prompts, answers, document text or PII, and these paths catch credentials that might reach a log by accident.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.headers.authorization',
          '*.headers.cookie',
          '*.headers["set-cookie"]',
          '*.headers["x-csrf-token"]',
          '*.authorization',
          '*.cookie',
          '*.password',
          '*.token',
          '*.accessToken',
          '*.idToken',
          '*.access_token',
          '*.id_token',
          '*.refresh_token',
          '*.client_secret',
          '*.code_verifier',
          '*.csrfToken',
          '*.query',
          '*.body',
          '*.text',
          '*.message_text',
          '*.prompt',
          '*.answer',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  )
}
