import helmet from 'helmet'

/**
 * Security headers. The CSP allows only same-origin script, style, images and connections: no inline code, no CDN,
 * no external fonts. The web UI is built to fit it (web/). HSTS is sent outside development only, because a
 * development server on http://localhost must not pin HTTPS for the whole host name.
 */
export function securityHeaders(opts: { production: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: opts.production ? [] : null,
      },
    },
    strictTransportSecurity: opts.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  })
}
