package understand

import (
	"slices"
	"strings"
	"unicode"
)

// ignoredInMatch lists the spaces and punctuation that occursIn skips
// inside a match, so that "13800138000" matches "138 0013 8000".
const ignoredInMatch = " \t\n-_.,，:：;；()（）'\"“”‘’「」、。"

// occursIn reports whether value occurs in text as whole tokens. Case,
// full-width forms and the runes in ignoredInMatch are ignored inside the
// match, but the match must start and end at a token boundary, so
// "ops@acme.te" does not occur in "ops@acme.test". A value with no rune
// outside ignoredInMatch never occurs.
func occursIn(value, text string) bool {
	v := squashForMatch(value)
	t := squashForMatch(text)
	n := len(v.compared)
	if n == 0 {
		return false
	}

	for i := 0; i+n <= len(t.compared); i++ {
		if !slices.Equal(t.compared[i:i+n], v.compared) {
			continue
		}
		// The match covers t.runes[start:end]. The value's own leading and
		// trailing punctuation ("-5000", "Acme Inc.") belongs to the match
		// when the text has it at the same place.
		start := extendBefore(t.runes, t.at[i], v.runes[:v.at[0]])
		end := extendAfter(t.runes, t.at[i+n-1]+1, v.runes[v.at[n-1]+1:])
		if !continuesBefore(t.runes, start) && !continuesAfter(t.runes, end) {
			return true
		}
	}
	return false
}

// squashed is a normalized string without the runes in ignoredInMatch.
type squashed struct {
	// runes is the lower-cased, width-folded string.
	runes []rune
	// compared is runes without the ignored runes. occursIn matches only
	// these.
	compared []rune
	// at maps each index of compared to its index in runes.
	at []int
}

func squashForMatch(s string) squashed {
	sq := squashed{runes: []rune(newText(s).norm)}
	for i, r := range sq.runes {
		if strings.ContainsRune(ignoredInMatch, r) {
			continue
		}
		sq.compared = append(sq.compared, r)
		sq.at = append(sq.at, i)
	}
	return sq
}

// extendBefore returns start moved back over prefix when runes has prefix
// right before start.
func extendBefore(runes []rune, start int, prefix []rune) int {
	if len(prefix) > 0 && start >= len(prefix) && slices.Equal(runes[start-len(prefix):start], prefix) {
		return start - len(prefix)
	}
	return start
}

// extendAfter returns end moved forward over suffix when runes has suffix
// right after end.
func extendAfter(runes []rune, end int, suffix []rune) int {
	if len(suffix) > 0 && end+len(suffix) <= len(runes) && slices.Equal(runes[end:end+len(suffix)], suffix) {
		return end + len(suffix)
	}
	return end
}

// continuesBefore reports whether the rune before runes[start] belongs to
// the same token as runes[start].
func continuesBefore(runes []rune, start int) bool {
	if start == 0 {
		return false
	}
	return continuesToken(runes[start], runeAt(runes, start-1), runeAt(runes, start-2), true)
}

// continuesAfter reports whether runes[end] belongs to the same token as
// runes[end-1].
func continuesAfter(runes []rune, end int) bool {
	if end == len(runes) {
		return false
	}
	return continuesToken(runes[end-1], runeAt(runes, end), runeAt(runes, end+1), false)
}

// runeAt returns runes[i], or 0 when i is out of range.
func runeAt(runes []rune, i int) rune {
	if i < 0 || i >= len(runes) {
		return 0
	}
	return runes[i]
}

// continuesToken reports whether next, the rune just outside a match whose
// edge rune is edge, continues the token at that edge. beyond is the rune
// after next, seen from the match, and before is true when next precedes
// the match. The rule fits the values a CRM message carries:
//
//   - A letter, digit or combining mark continues a token ("acme" in
//     "acmerobotics", "0100" in "01001"). Han, Hiragana and Katakana are
//     the exception, on either side: Chinese and Japanese are written
//     without spaces, so "星河科技" in "签了星河科技的单" and "Acme" in
//     "客户Acme电话" are whole tokens.
//   - A Chinese numeral or multiplier next to an ASCII digit continues a
//     number, so "5" does not occur in "5万" or "1万5000".
//   - One of . - _ @ + / & ' ’ continues a token when a letter or digit
//     (not Han or Kana) lies beyond it. That joins the parts of an email
//     address, a domain, a decimal number, a date or a word such as
//     "O'Brien", yet leaves "ops@acme.test." at the end of a sentence whole.
//   - A comma continues a number when digits are on both sides of it, as
//     in "50,000". Elsewhere it separates values.
//   - A "+" or "-" right before a value that starts with a digit is its
//     sign or country code prefix, so "1 415 555 0100" does not occur in
//     "+1 415 555 0100".
//
// Spaces and all other punctuation and symbols ("$", "¥", "%", brackets)
// are boundaries.
func continuesToken(edge, next, beyond rune, before bool) bool {
	switch {
	case isASCIIDigit(edge) && strings.ContainsRune(chineseNumerals, next):
		return true
	case isWordRune(next):
		return !isSpaceless(next) && !isSpaceless(edge)
	case next == ',':
		return unicode.IsDigit(edge) && unicode.IsDigit(beyond)
	case before && (next == '+' || next == '-') && unicode.IsDigit(edge):
		return true
	case strings.ContainsRune(".-_@+/&'’", next):
		return isWordRune(beyond) && !isSpaceless(beyond)
	}
	return false
}

// chineseNumerals are the digits and multipliers of Chinese numbers.
const chineseNumerals = "零〇一二两三四五六七八九十百千万亿"

func isASCIIDigit(r rune) bool { return r >= '0' && r <= '9' }

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// isSpaceless reports whether r belongs to a script written without spaces
// between words.
func isSpaceless(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
