package understand

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/conversation/slot"
)

// span is a value detected by its shape (a phone number, an email address,
// an amount or a date) at the norm byte range [start, end).
type span struct {
	field      string
	start, end int
}

// maxSpansPerField bounds the repeated searches for one kind of value.
const maxSpansPerField = 4

const (
	monthPattern   = `(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`
	weekdayPattern = `(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?`
	countPattern   = `(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)`
)

// dateCandidate finds text that may be a date. slot.Date decides; the
// alternatives list longer forms first because Go's regexp prefers the
// leftmost alternative.
var dateCandidate = regexp.MustCompile(strings.Join([]string{
	`\d{4}[-/.]\d{1,2}[-/.]\d{1,2}`,
	`\d{4}年\d{1,2}月\d{1,2}[日号]?`,
	`\b\d{1,2}/\d{1,2}(?:/\d{4})?\b`,
	`\d{1,2}月\d{1,2}[日号]?`,
	`\b` + monthPattern + ` \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?\b`,
	`\b\d{1,2}(?:st|nd|rd|th)? (?:of )?` + monthPattern + `(?:,? \d{4})?`,
	`\b(?:(?:this|next|coming) )?` + weekdayPattern + `\b`,
	`(?:下个?|本|这个?)?(?:周|星期|礼拜)[一二三四五六日天]`,
	`\b(?:the )?day after tomorrow\b`, `\btoday\b`, `\btomorrow\b`,
	`大后天`, `今天`, `明天`, `后天`,
	`\bin ` + countPattern + ` (?:days?|weeks?|months?)\b`,
	`(?:\d+|[一二两三四五六七八九十]+)个?(?:天|周|星期|礼拜|月)(?:之后|以后|后)`,
	`\b(?:the )?end of (?:the |this |next )?(?:month|year)\b`,
	`下个?月底`, `本?月底`, `月末`, `年底`,
	`\d{1,2}[日号]`,
}, "|"))

// amountCandidate finds text that may be an amount; slot.Amount decides.
var amountCandidate = regexp.MustCompile(
	`(?:[¥￥$€£]|\brmb|\bcny|\busd|\beur|\bhkd|人民币)?\s*` +
		`(?:\d[\d,]*(?:\.\d+)?|[零一二两三四五六七八九十百千]+)` +
		`\s*(?:thousand\b|million\b|billion\b|百万|千万|亿|万|千|(?:mn|bn|k|m|b|w)\b)?` +
		`\s*(?:元|块|\brmb\b|\bcny\b|\busd\b|\bdollars\b)?`)

// minBareAmountDigits is the fewest digits an amount needs when it has no
// currency marker and no multiplier. Four-digit numbers are usually years.
const minBareAmountDigits = 5

// findSpans returns the values of intent's typed slots detected in t.
func findSpans(t text, intent, region string, now time.Time) []span {
	var spans []span
	masked := t.norm
	add := func(field string, start, end int) {
		spans = append(spans, span{field: field, start: start, end: end})
		masked = mask(masked, start, end)
	}

	switch intent {
	case conversation.IntentCreateCustomer:
		for range maxSpansPerField {
			loc := slot.IndexEmail(masked)
			if loc == nil {
				break
			}
			add(conversation.SlotEmail, loc[0], loc[1])
		}
		for range maxSpansPerField {
			loc := slot.IndexPhone(masked, region)
			if loc == nil {
				break
			}
			add(conversation.SlotPhone, loc[0], loc[1])
		}

	case conversation.IntentCreateOpportunity:
		for _, loc := range dateCandidate.FindAllStringIndex(masked, -1) {
			if tokenJoined(masked, loc[0], loc[1]) {
				continue
			}
			if _, err := slot.Date(masked[loc[0]:loc[1]], now); err == nil {
				add(conversation.SlotClose, loc[0], loc[1])
			}
		}
		for _, loc := range amountCandidate.FindAllStringIndex(masked, -1) {
			start, end := trimSpaceRange(masked, loc[0], loc[1])
			if !isAmount(masked, start, end) {
				continue
			}
			start = signStart(masked, start)
			if !tokenJoined(masked, start, end) {
				add(conversation.SlotAmount, start, end)
			}
		}
	}
	return spans
}

// signStart returns where the amount at norm[start:] begins when a sign is
// attached to it: a minus or dash ("-50k", "–50k"), "+", "负" or "minus ",
// optionally after a currency symbol ("$-50k"). The value then keeps the
// sign, so that slot.Amount rejects a negative amount instead of storing
// its absolute value. A dash with a space after it ("Acme - 50k") is a
// separator and not a sign.
func signStart(norm string, start int) int {
	before := norm[:start]
	trimmed := strings.TrimRight(before, " ")
	if rest, ok := strings.CutSuffix(trimmed, "负"); ok {
		return withCurrency(norm, len(rest))
	}
	if rest, ok := strings.CutSuffix(trimmed, "minus"); ok && (rest == "" || !isASCIIAlnum(rest[len(rest)-1])) {
		return withCurrency(norm, len(rest))
	}
	r, size := utf8.DecodeLastRuneInString(before)
	if size > 0 && (r == '+' || slot.IsMinus(r)) {
		return withCurrency(norm, start-size)
	}
	return start
}

// withCurrency moves start back over a currency symbol right before it.
func withCurrency(norm string, start int) int {
	r, size := utf8.DecodeLastRuneInString(norm[:start])
	if size > 0 && strings.ContainsRune("$¥￥€£", r) {
		return start - size
	}
	return start
}

// tokenJoined reports whether the detected value norm[start:end] is part
// of a longer token, so that cutting it out would change what the user
// wrote. A value is joined when an ASCII letter, digit, "_" or "@" touches
// it, or when "-", ".", "/" or "#" joins it to a letter or digit: "Q3",
// "sat-nav", "2-3k", "PO#50000", "50k-seat". Chinese characters and
// spaces do not join.
func tokenJoined(norm string, start, end int) bool {
	if start > 0 {
		b := norm[start-1]
		if isASCIIAlnum(b) || b == '_' || b == '@' {
			return true
		}
		if strings.IndexByte("-./#", b) >= 0 && start >= 2 && isASCIIAlnum(norm[start-2]) {
			return true
		}
	}
	if end < len(norm) {
		b := norm[end]
		if isASCIIAlnum(b) || b == '_' || b == '@' {
			return true
		}
		if strings.IndexByte("-./#", b) >= 0 && end+1 < len(norm) && isASCIIAlnum(norm[end+1]) {
			return true
		}
	}
	return false
}

// percentMarkers follow a number that is a percentage, never an amount.
var percentMarkers = []string{"%", "‰", "percent", "per cent", "pct"}

// isPercentage reports whether the number norm[start:end] is a rate, as in
// "50%", "50 percent" or "百分之五十".
func isPercentage(norm string, start, end int) bool {
	if strings.HasSuffix(norm[:start], "百分之") {
		return true
	}
	after := strings.TrimLeft(norm[end:], " ")
	for _, m := range percentMarkers {
		if strings.HasPrefix(after, m) {
			return true
		}
	}
	return false
}

// isAmount reports whether norm[start:end] is an amount on its own. It
// must not be a percentage, and it needs a currency marker, a multiplier
// or enough digits not to be a year.
func isAmount(norm string, start, end int) bool {
	if start >= end || isPercentage(norm, start, end) {
		return false
	}
	candidate := norm[start:end]
	if _, err := slot.Amount(candidate); err != nil {
		return false
	}

	digits := 0
	for _, r := range candidate {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(",. 零一二两三四五六七八九十百", r):
		default:
			// A currency marker or a multiplier such as "k" or "万".
			return true
		}
	}
	return digits >= minBareAmountDigits || strings.Contains(candidate, ",")
}

func isASCIIAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func trimSpaceRange(s string, start, end int) (int, int) {
	for start < end && s[start] == ' ' {
		start++
	}
	for end > start && s[end-1] == ' ' {
		end--
	}
	return start, end
}
