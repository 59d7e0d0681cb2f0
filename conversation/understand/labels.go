package understand

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/conversation"
)

// fieldPattern matches a field label together with the filler after it
// (": ", " is ", "是"), so that the match ends where the value starts.
// Submatch 1 is an English label word, empty for a Chinese label.
type fieldPattern struct {
	field string
	re    *regexp.Regexp
}

// labelFiller matches the words and punctuation allowed between a label
// and its value.
const labelFiller = `\s*(?:is\s+|are\s+|of\s+|on\s+|to\s+|改为|改成|是|为|在|约)?\s*[:：=]?\s*`

func labelPattern(field, english, chinese string) fieldPattern {
	return fieldPattern{field, regexp.MustCompile(`(?:\b(` + english + `)\b|` + chinese + `)` + labelFiller)}
}

var (
	phoneLabel   = labelPattern(conversation.SlotPhone, `phone(?:\s+(?:number|no\.?))?|tel|telephone|mobile|cell|mob`, `联系电话|电话号码|电话|手机号码|手机号|手机|座机`)
	emailLabel   = labelPattern(conversation.SlotEmail, `e-?mail(?:\s+address)?|mail`, `电子邮箱|电子邮件|邮箱地址|邮箱|邮件`)
	contactLabel = labelPattern(conversation.SlotContact, `contact(?:\s+(?:person|name))?|attn`, `联系人|联络人|对接人`)
	companyLabel = labelPattern(conversation.SlotName, `company(?:\s+name)?|name|named|called`, `公司名称|公司名|名称|名字|叫做|名为`)

	partnerLabel = labelPattern(conversation.SlotPartner, `for|with|customer|client|partner|account`, `客户|给|为`)
	titleLabel   = labelPattern(conversation.SlotName, `title|titled|named|called|name|subject`, `标题|项目名称|名称|主题`)
	amountLabel  = labelPattern(conversation.SlotAmount, `amount|value|worth|revenue|expected revenue|budget`, `预计金额|预计收入|金额|预算|总额|价值|预计`)
	closeLabel   = labelPattern(conversation.SlotClose, `closes|closing date|closing|close date|close|expected close|due|by`, `预计成交日期|预计成交时间|预计成交|成交日期|成交时间|截止日期|截止`)
)

// fieldPatterns lists the labels of each intent's slots.
var fieldPatterns = map[string][]fieldPattern{
	conversation.IntentCreateCustomer:    {phoneLabel, emailLabel, contactLabel, companyLabel},
	conversation.IntentCreateOpportunity: {partnerLabel, titleLabel, amountLabel, closeLabel},
}

// typedFields are slots whose values the rules detect by their shape, so a
// label before them takes the detected value rather than the text up to
// the next separator.
var typedFields = map[string]bool{
	conversation.SlotPhone:  true,
	conversation.SlotEmail:  true,
	conversation.SlotAmount: true,
	conversation.SlotClose:  true,
}

// label is a field label found in the normalized text.
type label struct {
	field      string
	start      int
	valueStart int
}

// findLabels returns the labels of intent in norm in text order. Where
// labels overlap, the earlier and then the longer one is kept, so "预计成交"
// is a closing-date label and not the amount label "预计".
//
// A match is not a label when it has no value, because only a separator or
// the end of the text follows it ("Expected closing"), or when an English
// label word is part of a longer token ("not-an-email", "mail@acme.example",
// "phone-shop").
func findLabels(norm, intent string) []label {
	var found []label
	for _, p := range fieldPatterns[intent] {
		for _, loc := range p.re.FindAllStringSubmatchIndex(norm, -1) {
			if loc[2] >= 0 && wordJoined(norm, loc[2], loc[3]) {
				continue
			}
			if !hasValue(norm, loc[1]) {
				continue
			}
			found = append(found, label{field: p.field, start: loc[0], valueStart: loc[1]})
		}
	}
	slices.SortFunc(found, func(a, b label) int {
		if a.start != b.start {
			return cmp.Compare(a.start, b.start)
		}
		return cmp.Compare(b.valueStart, a.valueStart)
	})

	var kept []label
	end := -1
	for _, l := range found {
		if l.start < end {
			continue
		}
		kept = append(kept, l)
		end = l.valueStart
	}
	return kept
}

// wordJoined reports whether the word norm[start:end] is joined to the
// text around it by "-", ".", "@" or "_", as "email" is in "not-an-email"
// and "mail" is in "mail@acme.example". A "." after the word joins it only
// when a letter or digit follows, so "call my phone." keeps its label.
func wordJoined(norm string, start, end int) bool {
	if start > 0 && strings.IndexByte("-.@_", norm[start-1]) >= 0 {
		return true
	}
	if end >= len(norm) {
		return false
	}
	switch norm[end] {
	case '-', '@', '_':
		return true
	case '.':
		return end+1 < len(norm) && isASCIIAlnum(norm[end+1])
	}
	return false
}

// hasValue reports whether a value starts at or after norm[valueStart]
// before the next separator.
func hasValue(norm string, valueStart int) bool {
	rest := norm[skipFiller(norm, valueStart):]
	if loc := separator.FindStringIndex(rest); loc != nil {
		rest = rest[:loc[0]]
	}
	return strings.TrimSpace(rest) != ""
}
