import Link from 'next/link';

/** The logo mark: two overlapping speech bubbles, one for what people have, one for what they need. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="brand-mark">
      <rect x="2" y="4" width="18" height="14" rx="4" fill="#0f766e" />
      <path d="M7 18 L7 23 L12 18 Z" fill="#0f766e" />
      <rect x="12" y="11" width="18" height="14" rx="4" fill="#f59e0b" />
      <path d="M25 25 L25 30 L20 25 Z" fill="#f59e0b" />
    </svg>
  );
}

export function Brand({ href = '/' }: { href?: string }) {
  return (
    <Link href={href} className="brand">
      <BrandMark />
      <span>Has-Needs</span>
    </Link>
  );
}
