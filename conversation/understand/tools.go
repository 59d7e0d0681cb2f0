package understand

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/conversation"
	openai "github.com/sashabaranov/go-openai"
)

// buildTools returns one function per intent. Every parameter is a string
// and none is required, so the model has no reason to make up a value.
func buildTools() []openai.Tool {
	var tools []openai.Tool
	for _, intent := range conversation.Intents() {
		properties := map[string]any{}
		for _, s := range intent.Slots {
			properties[s.Name] = map[string]any{"type": "string", "description": s.Description}
		}
		schema, _ := json.Marshal(map[string]any{
			"type":                 "object",
			"properties":           properties,
			"additionalProperties": false,
		})
		tools = append(tools, openai.Tool{
			Type: openai.ToolTypeFunction,
			Function: &openai.FunctionDefinition{
				Name:        intent.Name,
				Description: intent.Description,
				Parameters:  json.RawMessage(schema),
			},
		})
	}
	return tools
}

// buildSystemPrompt returns the instructions for one request. It gives the
// date and time zone so the model can tell whether text is a date, but
// the model copies dates as written and slot.Date resolves them.
func buildSystemPrompt(req conversation.UnderstandRequest) string {
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	zone, offset := now.Zone()

	var b strings.Builder
	fmt.Fprintf(&b, "You read messages that salespeople send to a CRM chat bot, in English or Chinese. "+
		"Today is %s, %s. The user's time zone is %s (%s, UTC%+03d:%02d).\n",
		now.Format(time.DateOnly), now.Weekday(), now.Location(), zone, offset/3600, abs(offset%3600)/60)
	b.WriteString("When the message asks to create a customer or an opportunity, call exactly one function. " +
		"Copy every value exactly as the user wrote it, in the user's language and format: " +
		"do not translate, correct, convert amounts, compute dates or fill in values the user did not give. " +
		"Leave out any parameter the message does not contain. " +
		"When the message asks for neither, do not call a function and reply with a short text.\n")

	if intent, ok := conversation.LookupIntent(req.Intent); ok {
		fmt.Fprintf(&b, "The user is in the middle of %s.", intent.Name)
		if s, ok := intent.Slot(req.Pending); ok {
			fmt.Fprintf(&b, " The bot asked for %q (%s), so the message is probably the answer: call %s with it.",
				s.Name, s.Description, intent.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
