package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/crmbot/crmbot/bot"
)

// Bot API limits.
const (
	// maxMessageLength is the maximum text length of one message, counted
	// after HTML parsing. The connector counts UTF-16 code units, which is
	// never less than the number of characters.
	maxMessageLength = 4096
	// maxCallbackDataBytes is the maximum callback_data length in bytes.
	maxCallbackDataBytes = 64
)

// maxPairedLabel is the longest label, in characters, that shares a
// keyboard row with another button. Longer labels would be cut off on
// narrow phone screens.
const maxPairedLabel = 14

// htmlEscaper escapes text for Telegram's HTML parse mode, which requires
// every <, > and & outside markup to be an entity. The quote is escaped
// too because it ends an href attribute.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// rendered is a reply ready to send.
type rendered struct {
	// chunks are HTML texts of at most maxMessageLength visible characters.
	chunks   []string
	keyboard *tgbotapi.InlineKeyboardMarkup
	// rejected lists the buttons left out of the keyboard.
	rejected []rejectedButton
}

type rejectedButton struct {
	index  int
	reason string
	bytes  int
}

// line is one visible line of a reply. A line with href is a link.
type line struct {
	text string
	href string
}

// renderReply converts r to HTML chunks and an inline keyboard.
func renderReply(r bot.Reply) rendered {
	keyboard, rejected := buildKeyboard(r.Buttons)
	return rendered{
		chunks:   splitChunks(replyLines(r), maxMessageLength),
		keyboard: keyboard,
		rejected: rejected,
	}
}

// replyLines returns the text, then one "Label: value" line per field, then
// the record link.
func replyLines(r bot.Reply) []line {
	var lines []line
	if r.Text != "" {
		for _, text := range strings.Split(r.Text, "\n") {
			lines = append(lines, line{text: text})
		}
	}
	for _, f := range r.Fields {
		for _, text := range strings.Split(f.Label+": "+f.Value, "\n") {
			lines = append(lines, line{text: text})
		}
	}
	if r.Record != nil && r.Record.URL != "" {
		lines = append(lines, recordLine(r.Record.URL))
	}
	return lines
}

// recordLine links to url when it is an http or https URL. Any other
// scheme, such as javascript:, is shown as text.
func recordLine(url string) line {
	lower := strings.ToLower(url)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return line{text: url, href: url}
	}
	return line{text: url}
}

func (l line) html() string {
	if l.href == "" {
		return htmlEscaper.Replace(l.text)
	}
	return `<a href="` + htmlEscaper.Replace(l.href) + `">` + htmlEscaper.Replace(l.text) + "</a>"
}

// splitChunks joins lines into HTML texts of at most limit visible
// characters each. Lines are kept whole when they fit, and a longer line
// is cut into plain text pieces. Chunks with no visible text are dropped,
// because Telegram rejects an empty message.
func splitChunks(lines []line, limit int) []string {
	var chunks []string
	var b strings.Builder
	length, count, visible := 0, 0, false
	flush := func() {
		if visible {
			chunks = append(chunks, b.String())
		}
		b.Reset()
		length, count, visible = 0, 0, false
	}

	for _, l := range lines {
		for _, piece := range splitLine(l, limit) {
			n := textLength(piece.text)
			if count > 0 && length+1+n > limit {
				flush()
			}
			if count > 0 {
				b.WriteByte('\n')
				length++
			}
			b.WriteString(piece.html())
			length += n
			count++
			visible = visible || strings.TrimSpace(piece.text) != ""
		}
	}
	flush()
	return chunks
}

// splitLine cuts l into pieces of at most limit visible characters. A link
// that is too long loses its href and is cut as text.
func splitLine(l line, limit int) []line {
	if textLength(l.text) <= limit {
		return []line{l}
	}
	var pieces []line
	start, length := 0, 0
	for i, r := range l.text {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1 // invalid UTF-8 is sent as U+FFFD
		}
		if length+n > limit {
			pieces = append(pieces, line{text: l.text[start:i]})
			start, length = i, 0
		}
		length += n
	}
	return append(pieces, line{text: l.text[start:]})
}

// textLength returns the length of s in UTF-16 code units, the unit of the
// Bot API's text limits.
func textLength(s string) int {
	n := 0
	for _, r := range s {
		if k := utf16.RuneLen(r); k > 0 {
			n += k
		} else {
			n++
		}
	}
	return n
}

// buildKeyboard returns the inline keyboard for buttons, or nil if none is
// valid, and the buttons it left out. A button is left out when its label
// is blank or its token is not 1 to 64 bytes of valid UTF-8, because
// Telegram rejects the whole message for one such button.
func buildKeyboard(buttons []bot.Button) (*tgbotapi.InlineKeyboardMarkup, []rejectedButton) {
	var valid []bot.Button
	var rejected []rejectedButton
	for i, b := range buttons {
		if reason := validateButton(b); reason != "" {
			rejected = append(rejected, rejectedButton{index: i, reason: reason, bytes: len(b.Token)})
			continue
		}
		valid = append(valid, b)
	}
	if len(valid) == 0 {
		return nil, rejected
	}

	var rows [][]tgbotapi.InlineKeyboardButton
	for i := 0; i < len(valid); i++ {
		row := []tgbotapi.InlineKeyboardButton{keyboardButton(valid[i])}
		if i+1 < len(valid) && isShortLabel(valid[i].Label) && isShortLabel(valid[i+1].Label) {
			i++
			row = append(row, keyboardButton(valid[i]))
		}
		rows = append(rows, row)
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: rows}, rejected
}

// validateButton returns why b cannot be sent, or "" if it can.
func validateButton(b bot.Button) string {
	switch n := len(b.Token); {
	case n == 0:
		return "empty token"
	case n > maxCallbackDataBytes:
		return "token longer than 64 bytes"
	case !utf8.ValidString(b.Token):
		return "token is not valid UTF-8"
	case strings.TrimSpace(b.Label) == "":
		return "empty label"
	}
	return ""
}

func keyboardButton(b bot.Button) tgbotapi.InlineKeyboardButton {
	return tgbotapi.NewInlineKeyboardButtonData(b.Label, b.Token)
}

func isShortLabel(label string) bool {
	return utf8.RuneCountInString(label) <= maxPairedLabel
}
