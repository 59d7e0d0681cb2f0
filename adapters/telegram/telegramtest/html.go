package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
)

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// htmlEntities are the named entities Telegram decodes. Numeric entities
// are decoded as well.
var htmlEntities = map[string]string{"lt": "<", "gt": ">", "amp": "&", "quot": `"`}

// parseHTML returns the visible text of a message in Telegram's HTML parse
// mode. It rejects unknown or unbalanced tags and, following the Bot API
// documentation, any <, > or & that is not part of a tag or an entity.
// Attributes are not checked beyond the closing '>'.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end := strings.IndexByte(s[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			name, closing := tagName(s[i+1 : i+end])
			if !htmlTags[name] {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(open) == 0 || open[len(open)-1] != name {
					return "", fmt.Errorf("unmatched end tag at byte offset %d, expected %q", i, name)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, name)
			}
			i += end + 1
		case '&':
			text, n, err := decodeEntity(s[i:])
			if err != nil {
				return "", fmt.Errorf("%v at byte offset %d", err, i)
			}
			out.WriteString(text)
			i += n
		case '>':
			return "", fmt.Errorf("unexpected '>' at byte offset %d", i)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return out.String(), nil
}

// tagName returns the lower-case name of the tag whose text between < and
// > is inner, and whether it is an end tag.
func tagName(inner string) (name string, closing bool) {
	if rest, ok := strings.CutPrefix(inner, "/"); ok {
		inner, closing = rest, true
	}
	name, _, _ = strings.Cut(inner, " ")
	return strings.ToLower(name), closing
}

// decodeEntity decodes the entity at the start of s and returns its text
// and its length in bytes.
func decodeEntity(s string) (string, int, error) {
	end := strings.IndexByte(s, ';')
	if end < 0 {
		return "", 0, fmt.Errorf("character '&' is reserved and must be escaped")
	}
	name := s[1:end]
	if text, ok := htmlEntities[name]; ok {
		return text, end + 1, nil
	}
	if digits, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, isHex := strings.CutPrefix(strings.ToLower(digits), "x"); isHex {
			digits, base = hex, 16
		}
		code, err := strconv.ParseInt(digits, base, 32)
		if err == nil && code > 0 {
			return string(rune(code)), end + 1, nil
		}
	}
	return "", 0, fmt.Errorf("unsupported HTML entity %q", "&"+name+";")
}
