package understand

import (
	"regexp"
	"strings"
)

// confirmationPhrases are the words and phrases that accept what the bot
// offered, such as creating a customer that was not found. They include
// the words of conversation.IsConfirm, which a test checks.
var confirmationPhrases = map[string]bool{
	"yes": true, "y": true, "yeah": true, "yep": true, "ok": true, "okay": true,
	"sure": true, "confirm": true, "/confirm": true, "please": true,
	"create": true, "create it": true, "create one": true, "create new": true,
	"create a new one": true, "do it": true, "go ahead": true,
	"是": true, "是的": true, "好": true, "好的": true, "确认": true, "对": true,
	"可以": true, "创建": true, "创建吧": true, "新建": true,
}

// confirmationSeparator splits a message into confirmation phrases.
var confirmationSeparator = regexp.MustCompile(`[\s,，.。!！~～、]+`)

// IsConfirmation reports whether text is only a confirmation: one or more
// of "yes", "ok", "y", "sure", "create it", "是", "好", "好的", "确认", "对"
// and similar phrases, separated by spaces or punctuation ("yes, create
// it", "好的，创建"). Case and full-width characters do not matter. A name
// after a verb ("create Nova") is not a confirmation.
func IsConfirmation(text string) bool {
	words := confirmationSeparator.Split(strings.TrimSpace(newText(text).norm), -1)
	if len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	if len(words) > 0 && words[0] == "" {
		words = words[1:]
	}
	if len(words) == 0 {
		return false
	}
	for i := 0; i < len(words); {
		n := longestPhrase(words[i:])
		if n == 0 {
			return false
		}
		i += n
	}
	return true
}

// maxPhraseWords is the word count of the longest confirmation phrase.
const maxPhraseWords = 4

// longestPhrase returns how many of words, from the first, form the
// longest confirmation phrase, or 0.
func longestPhrase(words []string) int {
	for n := min(len(words), maxPhraseWords); n > 0; n-- {
		if confirmationPhrases[strings.Join(words[:n], " ")] {
			return n
		}
	}
	return 0
}
