package conversation

import "strings"

var (
	cancelWords = []string{"cancel", "/cancel", "stop", "abort", "取消", "算了", "不用了"}
	skipWords   = []string{"skip", "/skip", "none", "no", "n/a", "-", "跳过", "没有", "无", "不用"}
)

// IsCancel reports whether text asks to cancel the current conversation.
func IsCancel(text string) bool { return matchWord(text, cancelWords) }

// IsSkip reports whether text declines an optional question.
func IsSkip(text string) bool { return matchWord(text, skipWords) }

func matchWord(text string, words []string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	t = strings.TrimRight(t, ".!。！ ")
	for _, w := range words {
		if t == w {
			return true
		}
	}
	return false
}
