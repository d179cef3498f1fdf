/** Formatting shared by the pages. */

const numberFormat = new Intl.NumberFormat('en-US');

/** 1234567 → "1,234,567". */
export const fmtNumber = (n: number): string => numberFormat.format(n);

/** An ISO instant as "2026-12-03 09:15:02 UTC" (UTC everywhere, as the API speaks). */
export function fmtTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** How long ago, roughly: "3 min ago", "2 h ago", "5 d ago". */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 60) return s <= 1 ? 'just now' : `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A person's best name: userId, else email, else the profile id. */
export function personLabel(p: { userId?: string | null; email?: string | null; profileId: string }): string {
  return p.userId ?? p.email ?? p.profileId;
}
