package conversation

import "strings"

var (
	cancelWords = []string{"cancel", "/cancel", "stop", "abort", "取消", "算了", "不用了"}
	skipWords   = []string{"skip", "/skip", "none", "no", "n/a", "-", "跳过", "没有", "无", "不用"}
	// confirmWords confirm a preview, a retry or the offer to create a
	// missing customer when typed instead of clicked.
	confirmWords = []string{"yes", "y", "ok", "okay", "sure", "confirm", "/confirm", "create it",
		"yes, create it", "是", "是的", "好", "好的", "确认", "对", "可以", "创建"}
)

// IsConfirm reports whether text confirms what the bot proposed.
func IsConfirm(text string) bool { return matchWord(text, confirmWords) }

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
