package slot

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneDigits is the longest phone number that E.164 allows.
const maxPhoneDigits = 15

var (
	phoneCandidate = regexp.MustCompile(`(?:^|[^a-zA-Z0-9+])(\+?\(?[0-9][0-9\-. ()]*[0-9])`)
	dateLike       = regexp.MustCompile(`^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}$|^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}$`)
	// emailAddress is the dot-atom address syntax: RFC 5322 atext in the
	// local part and an ASCII domain whose last label is letters.
	emailAddress = regexp.MustCompile("^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.\\-]+@[a-zA-Z0-9\\-]+(?:\\.[a-zA-Z0-9\\-]+)*\\.[a-zA-Z]{2,}$")
)

// FindPhone returns the first plausible phone number in text, cut from text
// as written. A plausible number has 7 to 15 digits, is not a date such as
// "2026-12-25", and is a possible number (phonenumbers.IsPossibleNumber)
// for region, or for its own "+" country code. With an empty region, a
// number without "+" needs only the digit count. When a run of digit
// groups is longer than a valid number, FindPhone drops groups from its
// end, so "138 0013 8000 5" yields "138 0013 8000". Callers validate the
// result with Phone.
//
// A number must be a whole token. Digits joined to letters, "_" or "@"
// are not a phone number ("13800138000@qq.com", "x_13800138000",
// "13800138000abc"). Neither are digits that "-", "." or "/" join to a
// letter or digit on the right ("138 0013 8000-x") or to a digit on the
// left. FindPhone skips such a run of digit groups whole, without dropping
// groups from its end. Chinese characters next to a number do not join it ("王磊138...").
func FindPhone(text, region string) (raw string, ok bool) {
	span := IndexPhone(text, region)
	if span == nil {
		return "", false
	}
	return text[span[0]:span[1]], true
}

// IndexPhone is FindPhone returning the byte range [start, end) of the
// number in text, or nil.
func IndexPhone(text, region string) []int {
	folded, offsets := foldWithOffsets(text)
	for _, match := range phoneCandidate.FindAllStringSubmatchIndex(folded, -1) {
		start, end := match[2], match[3]
		if joinedBefore(folded, start) || joinedAfter(folded, end) {
			continue
		}
		if n := plausiblePhoneLength(folded[start:end], region); n > 0 {
			return []int{offsets[start], offsets[start+n]}
		}
	}
	return nil
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

// joinedBefore reports whether the value starting at s[start] continues a
// token before it: an ASCII letter or digit, "_" or "@" right before it, or
// "-", ".", "/" right before it with a digit before that ("1-138...").
func joinedBefore(s string, start int) bool {
	if start == 0 {
		return false
	}
	b := s[start-1]
	if isASCIIWord(b) || b == '@' {
		return true
	}
	return strings.IndexByte("-./", b) >= 0 && start >= 2 && isASCIIDigit(s[start-2])
}

// joinedAfter reports whether the value ending at s[end] continues into
// the token after it: an ASCII letter or digit, "_" or "@" right after it,
// or "-", ".", "/" right after it with a letter or digit after that.
func joinedAfter(s string, end int) bool {
	if end >= len(s) {
		return false
	}
	b := s[end]
	if isASCIIWord(b) || b == '@' {
		return true
	}
	return strings.IndexByte("-./", b) >= 0 && end+1 < len(s) && isASCIIWord(s[end+1])
}

func isASCIIDigit(b byte) bool { return b >= '0' && b <= '9' }

func isASCIIWord(b byte) bool {
	return isASCIIDigit(b) || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_'
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
// written, and callers validate the result with Email.
//
// The candidate around each "@" is the whole token: it runs to whitespace,
// to the ASCII punctuation ,;:<>()[]{}"\ and to Chinese, Japanese or
// Korean characters and punctuation, so "邮箱wang@xinghe.cn，电话" yields
// "wang@xinghe.cn". Closing ".", "!", "?" and quotes are dropped. A token
// that is not wholly an address is skipped and never cut down to one
// ("ops@acme.example.c" and "müller@acme.example" yield nothing). FindEmail
// matches dot-atom addresses with ASCII domains only, without quoted local
// parts or internationalized domains.
func FindEmail(text string) (raw string, ok bool) {
	span := IndexEmail(text)
	if span == nil {
		return "", false
	}
	return text[span[0]:span[1]], true
}

// IndexEmail is FindEmail returning the byte range [start, end) of the
// address in text, or nil.
func IndexEmail(text string) []int {
	folded, offsets := foldWithOffsets(text)
	for from := 0; from < len(folded); {
		at := strings.IndexByte(folded[from:], '@')
		if at < 0 {
			return nil
		}
		at += from
		start, end := tokenAround(folded, at)
		start, end = trimEmailToken(folded, start, end)
		if start < end && emailAddress.MatchString(folded[start:end]) {
			return []int{offsets[start], offsets[end]}
		}
		from = max(end, at+1)
	}
	return nil
}

// tokenAround returns the byte range of the token that contains s[i].
func tokenAround(s string, i int) (int, int) {
	start := i
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:start])
		if endsEmailToken(r) {
			break
		}
		start -= size
	}
	end := i
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if endsEmailToken(r) {
			break
		}
		end += size
	}
	return start, end
}

// endsEmailToken reports whether r separates an email candidate from the
// text around it.
func endsEmailToken(r rune) bool {
	switch {
	case unicode.IsSpace(r):
		return true
	case r < utf8.RuneSelf:
		return strings.ContainsRune(`,;:<>()[]{}"\`, r)
	case unicode.IsPunct(r):
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// trimEmailToken drops opening quotes and closing sentence punctuation and
// quotes from the token s[start:end].
func trimEmailToken(s string, start, end int) (int, int) {
	for start < end && strings.IndexByte("'`", s[start]) >= 0 {
		start++
	}
	for end > start && strings.IndexByte(".!?'`", s[end-1]) >= 0 {
		end--
	}
	return start, end
}
