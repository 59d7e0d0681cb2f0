package odoo

import "log/slog"

// Secret is a credential such as an API key. It prints and logs as
// "[REDACTED]", so passing it to fmt or slog does not leak it.
type Secret string

const redacted = "[REDACTED]"

// String returns "[REDACTED]", or "" for an empty secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the same text as String, for the %#v verb.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret itself, for the Authorization header.
func (s Secret) Reveal() string { return string(s) }
