package understand

import (
	"strings"
	"unicode"
)

// text is a message together with a lower-cased, width-folded copy that the
// rules match against. Values are cut from raw so that they keep the case
// and characters the user typed.
type text struct {
	raw  string
	norm string
	// offsets maps each byte offset in norm, plus its end, to the byte
	// offset of the same rune in raw.
	offsets []int
}

func newText(raw string) text {
	var b strings.Builder
	offsets := make([]int, 0, len(raw)+1)
	for i, r := range raw {
		before := b.Len()
		b.WriteRune(unicode.ToLower(foldWidth(r)))
		for range b.Len() - before {
			offsets = append(offsets, i)
		}
	}
	offsets = append(offsets, len(raw))
	return text{raw: raw, norm: b.String(), offsets: offsets}
}

// rawSlice returns the raw text of the norm byte range [start, end).
func (t text) rawSlice(start, end int) string {
	return t.raw[t.offsets[start]:t.offsets[end]]
}

// foldWidth maps a full-width ASCII variant (U+FF01 to U+FF5E) and the
// ideographic space (U+3000) to its ASCII form.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// mask returns s with the byte range [start, end) replaced by spaces, so a
// later search skips the range and byte offsets stay the same.
func mask(s string, start, end int) string {
	return s[:start] + strings.Repeat(" ", end-start) + s[end:]
}

// skipFiller returns the offset of the first byte at or after start that
// is not a space, colon, dash or equals sign.
func skipFiller(s string, start int) int {
	for start < len(s) {
		if strings.IndexByte(" \t:-=", s[start]) >= 0 {
			start++
			continue
		}
		if !strings.HasPrefix(s[start:], "：") {
			break
		}
		start += len("：")
	}
	return start
}

// connectorSuffixes are words that join a value to the next one and are
// trimmed from its end.
var connectorSuffixes = []string{" and", " with", " &", "的", "和", "以及"}

// cleanValue trims spaces, dangling punctuation and joining words from the
// ends of a raw value, and removes quotes that enclose all of it.
func cleanValue(s string) string {
	for {
		before := s
		s = strings.TrimSpace(s)
		s = strings.TrimLeft(s, ":：-=")
		s = strings.TrimRight(s, ",，;；、。:：-=")
		for _, suffix := range connectorSuffixes {
			if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
				s = s[:len(s)-len(suffix)]
			}
		}
		if s == before {
			break
		}
	}
	for _, pair := range []string{`""`, "''", "“”", "‘’", "「」", "《》"} {
		open, close := string([]rune(pair)[0]), string([]rune(pair)[1])
		if len(s) > len(open)+len(close) && strings.HasPrefix(s, open) && strings.HasSuffix(s, close) {
			return strings.TrimSpace(s[len(open) : len(s)-len(close)])
		}
	}
	return s
}
