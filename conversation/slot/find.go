package slot

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneDigits is the longest phone number that E.164 allows.
const maxPhoneDigits = 15

var (
	phoneCandidate = regexp.MustCompile(`(?:^|[^a-zA-Z0-9+])(\+?\(?[0-9][0-9\-. ()]*[0-9])`)
	dateLike       = regexp.MustCompile(`^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$|^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}$`)
	emailCandidate = regexp.MustCompile(`[a-zA-Z0-9._%+\-]+@[a-zA-Z0-9\-]+(?:\.[a-zA-Z0-9\-]+)*\.[a-zA-Z]{2,}`)
)

// FindPhone returns the first plausible phone number in text, cut from text
// as written. A plausible number has 7 to 15 digits, is not a date such as
// "2026-12-25", and is a possible number (phonenumbers.IsPossibleNumber)
// for region, or for its own "+" country code. With an empty region, a
// number without "+" needs only the digit count. When a run of digit
// groups is longer than a valid number, FindPhone drops groups from its
// end, so "138 0013 8000 5" yields "138 0013 8000". Callers validate the
// result with Phone.
func FindPhone(text, region string) (raw string, ok bool) {
	folded, offsets := foldWithOffsets(text)
	for _, match := range phoneCandidate.FindAllStringSubmatchIndex(folded, -1) {
		start, end := match[2], match[3]
		if n := plausiblePhoneLength(folded[start:end], region); n > 0 {
			return text[offsets[start]:offsets[start+n]], true
		}
	}
	return "", false
}

// plausiblePhoneLength returns the byte length of the phone number at the
// start of candidate, or 0. It tries whole space-separated groups, longest
// first, and prefers a valid number over a merely possible one.
func plausiblePhoneLength(candidate, region string) int {
	var prefixes []string
	for end := len(candidate); end > 0; {
		prefix := strings.TrimRight(candidate[:end], " -.(")
		prefixes = append(prefixes, prefix)
		end = strings.LastIndexByte(prefix, ' ')
	}
	for _, strict := range []bool{true, false} {
		for _, prefix := range prefixes {
			if isPlausiblePhone(prefix, region, strict) {
				return len(prefix)
			}
		}
	}
	return 0
}

// isPlausiblePhone reports whether candidate may be a phone number. With
// strict set it must be valid (phonenumbers.IsValidNumber), else possible.
func isPlausiblePhone(candidate, region string, strict bool) bool {
	if dateLike.MatchString(candidate) {
		return false
	}
	digits := 0
	for _, r := range candidate {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits < minPhoneDigits || digits > maxPhoneDigits {
		return false
	}
	if region == "" && !strings.HasPrefix(candidate, "+") {
		return true
	}
	if region == "" {
		region = "ZZ"
	}
	number, err := phonenumbers.Parse(candidate, strings.ToUpper(region))
	if err != nil {
		return false
	}
	if strict {
		return phonenumbers.IsValidNumber(number)
	}
	return phonenumbers.IsPossibleNumber(number)
}

// FindEmail returns the first email-like address in text, cut from text as
// written. It matches the common address syntax only (no quoted local
// parts), and callers validate the result with Email.
func FindEmail(text string) (raw string, ok bool) {
	folded, offsets := foldWithOffsets(text)
	span := emailCandidate.FindStringIndex(folded)
	if span == nil {
		return "", false
	}
	return text[offsets[span[0]]:offsets[span[1]]], true
}
