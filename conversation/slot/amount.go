package slot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
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
// multipliers ("50k", "1.2m", "5万", "1.5万", "2千", "30w") and Chinese
// numerals ("十万", "两万五千"). It returns an *Error for negative values,
// zero, values over MaxAmount and anything else.
func Amount(raw string) (float64, error) {
	text := strings.ToLower(strings.TrimSpace(foldText(raw)))
	if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "−") || strings.HasPrefix(text, "负") {
		return 0, invalid(KindAmount, raw, "negative")
	}
	text = trimCurrency(text)
	if text == "" {
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
