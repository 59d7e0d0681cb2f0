package slot

import (
	"net/mail"
	"strings"
	"unicode"
)

// Email validates raw as a bare email address and returns it trimmed and
// lower-cased. Raw must be an address alone ("ops@acme.example"), without a
// display name or angle brackets, and may use full-width characters such as
// "＠". The domain needs at least two labels. Each label is letters, digits
// and inner hyphens, and the last one is at least two characters long.
//
// NOTE: lower-casing the local part is a deliberate simplification. RFC 5321
// allows case-sensitive local parts, but mail providers treat them as
// case-insensitive and lower-case addresses deduplicate better in the CRM.
func Email(raw string) (string, error) {
	text := strings.TrimSpace(foldText(raw))
	if text == "" {
		return "", invalid(KindEmail, raw, "empty")
	}
	if strings.ContainsFunc(text, unicode.IsSpace) {
		return "", invalid(KindEmail, raw, "contains spaces")
	}

	addr, err := mail.ParseAddress(text)
	if err != nil {
		return "", invalid(KindEmail, raw, "not an email address")
	}
	if addr.Name != "" || addr.Address != text {
		return "", invalid(KindEmail, raw, "contains more than an address")
	}

	at := strings.LastIndexByte(text, '@')
	if reason := checkDomain(text[at+1:]); reason != "" {
		return "", invalid(KindEmail, raw, reason)
	}
	return strings.ToLower(text), nil
}

// checkDomain returns why domain is not a usable mail domain, or "".
func checkDomain(domain string) string {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return "domain has no dot"
	}
	for _, label := range labels {
		if label == "" {
			return "domain has an empty label"
		}
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "domain label starts or ends with a hyphen"
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return "domain contains " + string(r)
			}
		}
	}
	if len([]rune(labels[len(labels)-1])) < 2 {
		return "top-level domain is too short"
	}
	return ""
}
