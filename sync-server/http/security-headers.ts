// The headers every response carries: API, static files, errors and refused socket upgrades.

export interface SecurityHeaderOptions {
  /** `'sha256-...'` expressions for the export's inline scripts. */
  scriptHashes: string[];
  /** ws:// or wss:// origins the page may open sync sockets to. */
  socketOrigins: string[];
  /** Send HSTS: only when the public URL is https. */
  https: boolean;
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const csp = [
    "default-src 'self'",
    ['script-src', "'self'", ...options.scriptHashes].join(' '),
    // React and Next set inline style attributes; styles cannot run code, so this is acceptable.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...options.socketOrigins].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');

  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy':
      'camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };
  if (options.https) headers['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}
