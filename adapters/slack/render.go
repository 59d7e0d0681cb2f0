package slack

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/crmbot/crmbot/bot"
)

// Block Kit limits, from Slack's Block Kit reference.
const (
	maxBlocks         = 50
	maxSectionText    = 3000 // characters of a section's text
	maxFields         = 10   // fields of one section
	maxFieldText      = 2000 // characters of one field
	maxActionElements = 25   // elements of one actions block
	maxButtonLabel    = 75   // characters of a button's text
	maxButtonValue    = 2000 // characters of a button's value
	// maxFallbackText bounds the message's top-level text, which Slack
	// shows in notifications. Slack truncates text over 40000 characters.
	maxFallbackText = 3000
)

// buttonActionPrefix starts the action_id of every button the adapter
// sends. The button's index follows, as in "crmbot_btn_0".
const buttonActionPrefix = "crmbot_btn_"

// mrkdwnEscaper escapes the three characters that Slack's mrkdwn reads as
// markup: & < and > start entities, links and mentions.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// formatLookalikes maps each mrkdwn formatting character to a lookalike
// that Slack does not read as markup. mrkdwn has no escape for them.
var formatLookalikes = map[rune]rune{
	'*': '∗', // U+2217 ASTERISK OPERATOR
	'_': '＿', // U+FF3F FULLWIDTH LOW LINE
	'~': '∼', // U+223C TILDE OPERATOR
	'`': 'ˋ', // U+02CB MODIFIER LETTER GRAVE ACCENT
}

// slackMessage is one message ready to post: blocks and the fallback text
// for notifications.
type slackMessage struct {
	text   string
	blocks []slack.Block
}

// rendered is a reply ready to send, in one message or, for a reply over
// the limit of 50 blocks, several. The buttons come last.
type rendered struct {
	messages []slackMessage
	// rejected lists the buttons left out.
	rejected []rejectedButton
}

type rejectedButton struct {
	index  int
	reason string
}

// renderReply converts r to Block Kit messages: sections with the text,
// sections with the fields, a section with the record link, and an
// actions block with the buttons.
func renderReply(r bot.Reply) rendered {
	// Text and fields are plain_text objects, which Slack shows exactly
	// as written: mrkdwn has no escape for *, _, ~ and `, so Odoo values
	// in it could turn bold or struck through.
	var blocks []slack.Block
	for _, chunk := range splitText(r.Text, maxSectionText) {
		blocks = append(blocks, slack.NewSectionBlock(plainText(chunk), nil, nil))
	}
	blocks = append(blocks, fieldSections(r.Fields)...)
	if link := recordLink(r.Record); link != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(link), nil, nil))
	}
	actions, rejected := actionBlocks(r.Buttons)

	blocks = append(blocks, actions...)

	// A reply over 50 blocks, which only a very long text produces, is
	// sent as several messages.
	out := rendered{rejected: rejected}
	fallback := fallbackText(r)
	for start := 0; start < len(blocks); start += maxBlocks {
		end := min(start+maxBlocks, len(blocks))
		out.messages = append(out.messages, slackMessage{text: fallback, blocks: blocks[start:end]})
	}
	return out
}

// escapeText escapes text for a mrkdwn text object. It escapes &, < and >
// and replaces formatting characters that could start or end formatting,
// so "*bold*" is shown as typed. A formatting character between two
// letters or digits, as in "first_last@example.com", cannot format and is
// kept, so addresses and identifiers stay intact.
func escapeText(text string) string {
	runes := []rune(text)
	var b strings.Builder
	for i, r := range runes {
		look, special := formatLookalikes[r]
		if special && !(isWordRune(runes, i-1) && isWordRune(runes, i+1)) {
			b.WriteRune(look)
			continue
		}
		b.WriteString(mrkdwnEscaper.Replace(string(r)))
	}
	return b.String()
}

func isWordRune(runes []rune, i int) bool {
	if i < 0 || i >= len(runes) {
		return false
	}
	return unicode.IsLetter(runes[i]) || unicode.IsDigit(runes[i])
}

// splitText cuts text into chunks of at most limit characters, at a line
// break when one is in the second half of a chunk, and not inside an
// entity such as "&amp;" that escaped mrkdwn may hold. Blank chunks are
// dropped, because Slack rejects a section with empty text.
func splitText(text string, limit int) []string {
	var chunks []string
	for text != "" {
		cut := len(text)
		if textLength(text) > limit {
			cut = cutIndex(text, limit)
		}
		if chunk := strings.TrimRight(text[:cut], "\n"); strings.TrimSpace(chunk) != "" {
			chunks = append(chunks, chunk)
		}
		text = strings.TrimLeft(text[cut:], "\n")
	}
	return chunks
}

// cutIndex returns the byte index at which to cut text so that the first
// part has at most limit characters.
func cutIndex(text string, limit int) int {
	n, end := 0, 0
	for i, r := range text {
		if n+runeLength(r) > limit {
			break
		}
		n += runeLength(r)
		end = i + utf8.RuneLen(r)
	}
	if nl := strings.LastIndexByte(text[:end], '\n'); nl > end/2 {
		return nl + 1
	}
	// Step back out of an entity, which starts with & and ends with ;,
	// unless the & opens the text: the cut must move forward, or the
	// caller would loop on the same text.
	if amp := strings.LastIndexByte(text[:end], '&'); amp > 0 &&
		!strings.Contains(text[amp:end], ";") {
		return amp
	}
	return end
}

// textLength counts s in UTF-16 code units, which is never less than the
// number of characters, so a chunk that fits by this count fits Slack's.
func textLength(s string) int {
	n := 0
	for _, r := range s {
		n += runeLength(r)
	}
	return n
}

func runeLength(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1
}

// truncate shortens escaped text to at most limit characters, ending with
// "…" when it cuts.
func truncate(text string, limit int) string {
	if textLength(text) <= limit {
		return text
	}
	return text[:cutIndex(text, limit-1)] + "…"
}

// fieldSections returns sections of up to 10 fields, each the label on
// one line and the value under it.
func fieldSections(fields []bot.Field) []slack.Block {
	var blocks []slack.Block
	for start := 0; start < len(fields); start += maxFields {
		var objects []*slack.TextBlockObject
		for _, f := range fields[start:min(start+maxFields, len(fields))] {
			label := strings.TrimSpace(f.Label)
			value := f.Value
			if strings.TrimSpace(value) == "" {
				value = "-"
			}
			text := value
			if label != "" {
				text = label + "\n" + value
			}
			objects = append(objects, plainText(truncate(text, maxFieldText)))
		}
		blocks = append(blocks, slack.NewSectionBlock(nil, objects, nil))
	}
	return blocks
}

// recordLink returns the mrkdwn link to the record's URL, or "" when there
// is none. Only http and https URLs become links; any other scheme, such
// as javascript:, is shown as text.
func recordLink(rec *bot.Record) string {
	if rec == nil || rec.URL == "" {
		return ""
	}
	lower := strings.ToLower(rec.URL)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		return escapeText(rec.URL)
	}
	// Inside <...>, | would end the URL, so it is percent-encoded.
	url := strings.ReplaceAll(mrkdwnEscaper.Replace(rec.URL), "|", "%7C")
	return "<" + url + ">"
}

// actionBlocks returns actions blocks of up to 25 buttons. Each block
// has a block_id, because slack-go reads a click as a block action only
// when the block_id is a string. A button with an empty or too long token
// or an empty label is left out and reported, since Slack rejects the
// whole message for one invalid button.
func actionBlocks(buttons []bot.Button) ([]slack.Block, []rejectedButton) {
	var elements []slack.BlockElement
	var rejected []rejectedButton
	for i, b := range buttons {
		if reason := validateButton(b); reason != "" {
			rejected = append(rejected, rejectedButton{index: i, reason: reason})
			continue
		}
		label := slack.NewTextBlockObject(slack.PlainTextType,
			truncate(strings.TrimSpace(b.Label), maxButtonLabel), false, false)
		elements = append(elements,
			slack.NewButtonBlockElement(buttonActionPrefix+strconv.Itoa(i), b.Token, label))
	}

	var blocks []slack.Block
	for start := 0; start < len(elements); start += maxActionElements {
		end := min(start+maxActionElements, len(elements))
		blockID := "crmbot_actions_" + strconv.Itoa(start/maxActionElements)
		blocks = append(blocks, slack.NewActionBlock(blockID, elements[start:end]...))
	}
	return blocks, rejected
}

// validateButton returns why b cannot be sent, or "" if it can.
func validateButton(b bot.Button) string {
	switch {
	case b.Token == "":
		return "empty token"
	case utf8.RuneCountInString(b.Token) > maxButtonValue:
		return "token longer than 2000 characters"
	case strings.TrimSpace(b.Label) == "":
		return "empty label"
	}
	return ""
}

// fallbackText returns the notification text of a reply: its text, or its
// first field when it has none.
func fallbackText(r bot.Reply) string {
	text := r.Text
	if strings.TrimSpace(text) == "" && len(r.Fields) > 0 {
		text = r.Fields[0].Label + ": " + r.Fields[0].Value
	}
	return truncate(escapeText(text), maxFallbackText)
}

func plainText(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
}
