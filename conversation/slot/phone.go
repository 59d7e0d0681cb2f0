package slot

import (
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// minPhoneDigits is the fewest digits a phone number may have. Shorter
// strings are extensions or typos, and libphonenumber treats some of them
// as possible numbers.
const minPhoneDigits = 7

// Phone parses raw as a phone number and returns it in international
// format, for example "+1 415-555-0100" or "+86 138 0013 8000".
//
// Region is an ISO 3166-1 alpha-2 code such as "CN" or "US". It is the
// country assumed when raw has no "+" country code, and an empty region
// then makes the number invalid. Raw may contain spaces, dashes, dots,
// parentheses, full-width digits and "＋". Phone returns an *Error for
// letters, other symbols, fewer than 7 digits and numbers that
// libphonenumber does not consider valid (phonenumbers.IsValidNumber).
func Phone(raw, region string) (string, error) {
	text := strings.TrimSpace(foldText(raw))
	if text == "" {
		return "", invalid(KindPhone, raw, "empty")
	}

	digits := 0
	for i, r := range text {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/':
		case unicode.IsLetter(r):
			return "", invalid(KindPhone, raw, "contains letters")
		default:
			return "", invalid(KindPhone, raw, "contains "+string(r))
		}
	}
	if digits < minPhoneDigits {
		return "", invalid(KindPhone, raw, "too short")
	}

	region = strings.ToUpper(strings.TrimSpace(region))
	if region == "" && !strings.HasPrefix(text, "+") {
		return "", invalid(KindPhone, raw, "no country code and no default region")
	}
	if region == "" {
		region = "ZZ"
	}

	number, err := phonenumbers.Parse(text, region)
	if err != nil {
		return "", invalid(KindPhone, raw, err.Error())
	}
	if !phonenumbers.IsValidNumber(number) {
		return "", invalid(KindPhone, raw, "not a valid number for region "+region)
	}
	return phonenumbers.Format(number, phonenumbers.INTERNATIONAL), nil
}
