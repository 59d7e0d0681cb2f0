package conversation

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmbot/crmbot/conversation/slot"
)

// maxTextLen bounds free-text slot values, in characters; longer text is
// almost always a pasted message, not a name.
const maxTextLen = 200

// kindNames name slot kinds in catalog keys such as "invalid.phone".
var kindNames = map[SlotKind]string{
	KindText:    "text",
	KindPhone:   "phone",
	KindEmail:   "email",
	KindAmount:  "amount",
	KindDate:    "date",
	KindPartner: "partner",
}

// parse validates raw text for s and returns the normalized value.
func (e *Engine) parse(s Slot, raw string, t *turn) (string, error) {
	switch s.Kind {
	case KindPhone:
		return slot.Phone(raw, e.cfg.Region)
	case KindEmail:
		return slot.Email(raw)
	case KindAmount:
		v, err := slot.Amount(raw)
		if err != nil {
			return "", err
		}
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case KindDate:
		d, err := slot.Date(raw, t.now.In(e.cfg.Location))
		if err != nil {
			return "", err
		}
		return d.Format("2006-01-02"), nil
	default:
		v := strings.TrimSpace(stripControl(raw))
		if v == "" || utf8.RuneCountInString(v) > maxTextLen || !strings.ContainsFunc(v, isLetterOrDigit) {
			return "", &slot.Error{Kind: kindNames[s.Kind], Value: raw, Reason: "empty, too long or without letters"}
		}
		return v, nil
	}
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxQuoteLen bounds, in characters, the user text quoted back in a reply.
const maxQuoteLen = 60

// ansiEscape matches terminal escape sequences: CSI ("\x1b[31m") and OSC
// ("\x1b]0;title\x07") sequences, and two-character escapes.
var ansiEscape = regexp.MustCompile(`\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])`)

// stripControl removes terminal escape sequences and other control
// characters, which have no place in a CRM field or a chat reply.
func stripControl(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// quote shortens text for quoting it back to the user and removes its
// control characters.
func quote(text string) string {
	text = strings.TrimSpace(stripControl(text))
	if utf8.RuneCountInString(text) <= maxQuoteLen {
		return text
	}
	runes := []rune(text)
	return string(runes[:maxQuoteLen-1]) + "…"
}

// invalid returns the message that names a rejected value.
func invalid(s Slot, raw string, err error) Message {
	kind := kindNames[s.Kind]
	var se *slot.Error
	if errors.As(err, &se) && se.Kind != "" {
		kind = se.Kind
	}
	return Message{Key: MsgInvalid, Args: []string{kind, quote(raw)}}
}

// odooValues builds the values of the record the draft creates.
func odooValues(in Intent, d Draft) map[string]any {
	vals := map[string]any{}
	for k, v := range in.Fixed {
		vals[k] = v
	}
	for _, s := range in.Slots {
		v := d.value(s.Name)
		if s.Field == "" || v == "" {
			continue
		}
		switch s.Kind {
		case KindAmount:
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				vals[s.Field] = f
			}
		case KindPartner:
			if ref, ok := d.Refs[s.Name]; ok {
				vals[s.Field] = ref.ID
			}
		default:
			vals[s.Field] = v
		}
	}
	return vals
}

// display formats a slot value for a preview.
func display(s Slot, d Draft) string {
	v := d.value(s.Name)
	switch s.Kind {
	case KindPartner:
		if ref, ok := d.Refs[s.Name]; ok {
			return ref.Name
		}
	case KindAmount:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return formatAmount(f)
		}
	}
	return v
}

// formatAmount writes f with thousands separators and at most two
// decimals: 50000 → "50,000", 1234.5 → "1,234.50".
func formatAmount(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "00" {
		b.WriteString("." + frac)
	}
	return b.String()
}
