// The system's locale for dates, numbers and fiat values: the webview reports the system's
// language settings (WebKitGTK from the process locale, WebView2 and WKWebView from the system),
// most preferred first. Text stays in strings.ts (English for now), ready for a translation.

/** What Sigil falls back on when the system names no locale it can format in. */
export const FALLBACK_LOCALE = "en-US";

/** The first of `candidates` that is a valid BCP 47 tag Intl can format in, canonicalised. */
export function resolveLocale(candidates: readonly (string | undefined)[]): string {
  for (const tag of candidates) {
    if (!tag) continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.NumberFormat.supportedLocalesOf(canonical).length > 0) return canonical;
    } catch {
      // Not a BCP 47 tag (e.g. a POSIX "C" or "en_US.UTF-8" passed through): try the next one.
    }
  }
  return FALLBACK_LOCALE;
}

/** The separators `locale` writes numbers with: "1,234.5" in en-US, "1.234,5" in de-DE. */
export function separators(locale: string): { groupSeparator: string; decimalSeparator: string } {
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(12345.6);
  return {
    groupSeparator: parts.find((part) => part.type === "group")?.value ?? ",",
    decimalSeparator: parts.find((part) => part.type === "decimal")?.value ?? ".",
  };
}

/** The locale the system prefers, as the webview reports it. */
export function systemLocale(): string {
  if (typeof navigator === "undefined") return FALLBACK_LOCALE;
  return resolveLocale([...(navigator.languages ?? []), navigator.language]);
}
