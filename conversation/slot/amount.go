package slot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxAmount is the largest amount Amount accepts. Larger values are typing
// mistakes in a sales pipeline and overflow some Odoo monetary columns.
const MaxAmount = 1e12

// Currency markers that Amount strips. The currency itself is not kept
// because Odoo stores expected revenue in the company currency.
var (
	currencyPrefixes = []string{"人民币", "us$", "rmb", "cny", "usd", "eur", "hkd", "￥", "¥", "$", "€", "£"}
	currencySuffixes = []string{"块钱", "人民币", "美元", "美金", "dollars", "元", "块", "rmb", "cny", "usd", "eur", "hkd"}
)

// multiplier is a suffix that scales the number before it.
type multiplier struct {
	suffix string
	factor float64
}

// multipliers lists longer suffixes first so that "百万" wins over "万". "w"
// is the common chat shorthand for 万 (ten thousand).
var multipliers = []multiplier{
	{"thousand", 1e3}, {"million", 1e6}, {"billion", 1e9},
	{"百万", 1e6}, {"千万", 1e7}, {"亿", 1e8}, {"万", 1e4}, {"千", 1e3},
	{"mn", 1e6}, {"bn", 1e9}, {"k", 1e3}, {"m", 1e6}, {"b", 1e9}, {"w", 1e4},
}

var (
	plainNumber   = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	groupedNumber = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)
)

// Amount parses raw as a money amount and returns it in currency units,
// rounded to two decimals. It accepts thousands separators ("120,000"),
// decimals ("$50,000.50"), currency markers ("¥", "$", "RMB", "元"),
// multipliers ("50k", "1.2m", "5万", "1.5万", "2千", "30w"), Chinese
// numerals ("十万", "两万五千") and a leading "+" ("+50k"), before or after
// the currency marker.
//
// It returns an *Error for negative values, zero, values over MaxAmount,
// percentages and anything else. A value is negative when it starts with
// a minus sign, any Unicode dash ("-5", "−5", "–5"), "负" or "minus", before
// or after the currency marker ("$-50k"). A percentage ends with "%", "‰",
// "percent" or "pct", or starts with "百分之".
func Amount(raw string) (float64, error) {
	text := strings.ToLower(strings.TrimSpace(foldText(raw)))
	text, sign := cutSign(text)
	text = trimCurrency(text)
	if sign == 0 {
		text, sign = cutSign(text)
	}
	switch {
	case sign < 0:
		return 0, invalid(KindAmount, raw, "negative")
	case isPercentage(text):
		return 0, invalid(KindAmount, raw, "percentage")
	case text == "":
		return 0, invalid(KindAmount, raw, "no number")
	}

	value, ok := parseScaledNumber(text)
	if !ok {
		return 0, invalid(KindAmount, raw, "not an amount")
	}
	value = math.Round(value*100) / 100
	switch {
	case value <= 0:
		return 0, invalid(KindAmount, raw, "zero")
	case value > MaxAmount:
		return 0, invalid(KindAmount, raw, "larger than 1e12")
	}
	return value, nil
}

// negativePrefixes are the words that make an amount negative. Dashes are
// checked separately with isMinus.
var negativePrefixes = []string{"负", "minus "}

// cutSign removes one leading sign from text and returns -1 for a minus,
// +1 for a plus and 0 when there is none.
func cutSign(text string) (string, int) {
	r, size := utf8.DecodeRuneInString(text)
	switch {
	case r == '+':
		return strings.TrimSpace(text[size:]), +1
	case isMinus(r):
		return strings.TrimSpace(text[size:]), -1
	}
	for _, p := range negativePrefixes {
		if rest, ok := strings.CutPrefix(text, p); ok {
			return strings.TrimSpace(rest), -1
		}
	}
	return text, 0
}

// isMinus reports whether r is a minus sign or a dash that users type in
// its place: the hyphen-minus, U+2212 and every dash punctuation (Pd), so
// also the en dash that phones and word processors substitute.
func isMinus(r rune) bool {
	return r == '−' || unicode.Is(unicode.Pd, r)
}

// IsMinus reports whether r is a sign that Amount reads as minus. Callers
// that cut an amount from free text use it to keep the sign with the value.
func IsMinus(r rune) bool { return isMinus(foldWidth(r)) }

var percentSuffixes = []string{"%", "‰", "percent", "per cent", "pct"}

// isPercentage reports whether text is a percentage such as "50%" or
// "百分之五十", which is a rate and never an amount.
func isPercentage(text string) bool {
	if strings.HasPrefix(text, "百分之") {
		return true
	}
	for _, s := range percentSuffixes {
		if strings.HasSuffix(text, s) {
			return true
		}
	}
	return false
}

// trimCurrency removes one currency prefix and one currency suffix.
func trimCurrency(text string) string {
	for _, p := range currencyPrefixes {
		if rest, ok := strings.CutPrefix(text, p); ok {
			text = strings.TrimSpace(rest)
			break
		}
	}
	for _, s := range currencySuffixes {
		if rest, ok := strings.CutSuffix(text, s); ok {
			text = strings.TrimSpace(rest)
			break
		}
	}
	return text
}

// parseScaledNumber parses a number in digits or Chinese numerals followed
// by at most one multiplier.
func parseScaledNumber(text string) (float64, bool) {
	if v, ok := parseChineseNumeral(text); ok {
		return v, true
	}

	factor := 1.0
	for _, m := range multipliers {
		if rest, ok := strings.CutSuffix(text, m.suffix); ok {
			text = strings.TrimSpace(rest)
			factor = m.factor
			break
		}
	}

	if v, ok := parseChineseNumeral(text); ok {
		return v * factor, true
	}
	if !plainNumber.MatchString(text) && !groupedNumber.MatchString(text) {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v * factor, true
}

var chineseDigits = map[rune]float64{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

var chineseUnits = map[rune]float64{'十': 10, '百': 100, '千': 1000}

// parseChineseNumeral parses a numeral such as "十万", "一百二十万" or
// "两万五千". It rejects colloquial forms that drop the last unit ("两万五").
func parseChineseNumeral(text string) (float64, bool) {
	if text == "" {
		return 0, false
	}
	var total, section, digit float64
	hasDigit := false
	for _, r := range text {
		if d, ok := chineseDigits[r]; ok {
			if hasDigit && digit != 0 {
				return 0, false
			}
			digit, hasDigit = d, true
			continue
		}
		if unit, ok := chineseUnits[r]; ok {
			if !hasDigit && r == '十' {
				digit = 1
			}
			section += digit * unit
			digit, hasDigit = 0, false
			continue
		}
		switch r {
		case '万':
			total += (section + digit) * 1e4
		case '亿':
			total = (total + section + digit) * 1e8
		default:
			return 0, false
		}
		section, digit, hasDigit = 0, 0, false
	}
	runes := []rune(text)
	if len(runes) >= 2 && digit != 0 && strings.ContainsRune("百千万亿", runes[len(runes)-2]) {
		return 0, false
	}
	return total + section + digit, true
}
