package understand

import (
	"regexp"
	"strings"
	"time"

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
			raw, ok := slot.FindEmail(masked)
			if !ok {
				break
			}
			start := strings.Index(masked, raw)
			add(conversation.SlotEmail, start, start+len(raw))
		}
		for range maxSpansPerField {
			raw, ok := slot.FindPhone(masked, region)
			if !ok {
				break
			}
			start := strings.Index(masked, raw)
			add(conversation.SlotPhone, start, start+len(raw))
		}

	case conversation.IntentCreateOpportunity:
		for _, loc := range dateCandidate.FindAllStringIndex(masked, -1) {
			if _, err := slot.Date(masked[loc[0]:loc[1]], now); err == nil {
				add(conversation.SlotClose, loc[0], loc[1])
			}
		}
		for _, loc := range amountCandidate.FindAllStringIndex(masked, -1) {
			start, end := trimSpaceRange(masked, loc[0], loc[1])
			if isAmount(masked, start, end) {
				add(conversation.SlotAmount, start, end)
			}
		}
	}
	return spans
}

// isAmount reports whether norm[start:end] is an amount on its own. It
// must not be part of a word such as "Q3", and it needs a currency marker,
// a multiplier or enough digits not to be a year.
func isAmount(norm string, start, end int) bool {
	if start >= end {
		return false
	}
	if start > 0 && isASCIIAlnum(norm[start-1]) {
		return false
	}
	if end < len(norm) && isASCIIAlnum(norm[end]) {
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
