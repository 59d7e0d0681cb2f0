package understand

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/crmbot/crmbot/conversation"
	openai "github.com/sashabaranov/go-openai"
)

// exchange is one Understand call's conversation with the service: one
// request, at most one repair request, and rate-limit retries of each.
type exchange struct {
	llm      *LLM
	req      conversation.UnderstandRequest
	usage    openai.Usage
	attempts int
}

// invalidCall is a function call that cannot be used as it is. It leads to
// one repair request and then to ErrRephrase.
type invalidCall struct {
	code   string
	reason string
}

func (e *invalidCall) Error() string { return e.reason }

// repairInstruction is sent back to the model after an invalid call.
const repairInstruction = "The arguments of this call were cut off or are not valid JSON with string values. " +
	"Call the function again with short, complete JSON arguments, and copy each value exactly as the user wrote it."

func (ex *exchange) run(ctx context.Context) (conversation.Understanding, error) {
	messages := []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: buildSystemPrompt(ex.req)},
		{Role: openai.ChatMessageRoleUser, Content: ex.req.Text},
	}
	resp, err := ex.complete(ctx, messages)
	if err != nil {
		return conversation.Understanding{}, err
	}
	got, err := ex.read(resp)
	var invalid *invalidCall
	if !errors.As(err, &invalid) {
		return got, err
	}

	ex.llm.logger.Info("llm returned an unusable call, asking once more",
		"host", ex.llm.host, "model", ex.llm.model, "code", invalid.code)
	messages = append(messages, repairMessages(resp.Choices[0].Message)...)
	resp, err = ex.complete(ctx, messages)
	if err != nil {
		return conversation.Understanding{}, err
	}
	got, err = ex.read(resp)
	if errors.As(err, &invalid) {
		return conversation.Understanding{}, failure{kind: ErrRephrase, code: invalid.code, err: invalid}
	}
	return got, err
}

// complete sends one chat completion request and retries it while the
// service reports a rate limit with a short enough Retry-After.
func (ex *exchange) complete(ctx context.Context, messages []openai.ChatCompletionMessage) (openai.ChatCompletionResponse, error) {
	request := openai.ChatCompletionRequest{
		Model:    ex.llm.model,
		Messages: messages,
		Tools:    ex.llm.tools,
	}
	for attempt := 1; ; attempt++ {
		resp, err := ex.llm.client.CreateChatCompletion(ctx, request)
		ex.attempts++
		if err == nil {
			ex.addUsage(resp.Usage)
			return resp, nil
		}

		f := classify(err)
		if !f.retryable {
			return resp, f
		}
		delay, ok := retryDelay(resp.Header(), time.Now())
		if !ok || attempt == maxRateLimitAttempts {
			return resp, f
		}
		ex.llm.logger.Info("llm rate limited, retrying",
			"host", ex.llm.host, "model", ex.llm.model, "status", f.status, "code", f.code,
			"delay", delay, "attempt", attempt)
		if err := ex.llm.sleep(ctx, delay); err != nil {
			return resp, failure{kind: ErrUnavailable, status: f.status, code: "timeout", err: err}
		}
	}
}

func (ex *exchange) addUsage(u openai.Usage) {
	ex.usage.PromptTokens += u.PromptTokens
	ex.usage.CompletionTokens += u.CompletionTokens
	ex.usage.TotalTokens += u.TotalTokens
	if u.PromptTokensDetails != nil {
		if ex.usage.PromptTokensDetails == nil {
			ex.usage.PromptTokensDetails = &openai.PromptTokensDetails{}
		}
		ex.usage.PromptTokensDetails.CachedTokens += u.PromptTokensDetails.CachedTokens
	}
}

// read returns the understanding in resp. It returns an *invalidCall for a
// call worth one repair request, and a failure when the response carries
// no usable function call or text.
func (ex *exchange) read(resp openai.ChatCompletionResponse) (conversation.Understanding, error) {
	if len(resp.Choices) == 0 {
		return conversation.Understanding{}, failure{kind: ErrUnavailable, code: "empty_choices"}
	}
	choice := resp.Choices[0]
	if choice.FinishReason == openai.FinishReasonContentFilter {
		return conversation.Understanding{}, failure{kind: ErrRephrase, code: "content_filter"}
	}
	truncated := choice.FinishReason == openai.FinishReasonLength

	calls := choice.Message.ToolCalls
	if len(calls) == 0 {
		call, found, err := callFromContent(choice.Message.Content)
		switch {
		case err != nil && truncated:
			return conversation.Understanding{}, &invalidCall{code: "truncated_arguments", reason: err.Error()}
		case err != nil:
			return conversation.Understanding{}, &invalidCall{code: "invalid_arguments", reason: err.Error()}
		case !found && truncated:
			return conversation.Understanding{}, &invalidCall{code: "truncated_response", reason: "response cut off before a function call"}
		case !found:
			return conversation.Understanding{}, nil
		}
		calls = []openai.ToolCall{call}
	}
	if truncated {
		// Arguments cut by the length limit can still be valid JSON with a
		// shortened value ("ops@acme.te"), so they are never used.
		return conversation.Understanding{}, &invalidCall{code: "truncated_arguments",
			reason: "response cut off by the length limit, so the arguments may be incomplete"}
	}
	return ex.readCalls(calls)
}

// readCalls parses the first call, merges later calls of the same function
// into it, and drops values that do not occur in the user's text.
func (ex *exchange) readCalls(calls []openai.ToolCall) (conversation.Understanding, error) {
	first := calls[0].Function
	intent, ok := conversation.LookupIntent(first.Name)
	if !ok {
		return conversation.Understanding{}, &invalidCall{code: "unknown_function", reason: fmt.Sprintf("unknown function %q", first.Name)}
	}
	values, err := parseArguments(intent, first.Arguments)
	if err != nil {
		return conversation.Understanding{}, &invalidCall{code: "invalid_arguments", reason: err.Error()}
	}

	ignored := 0
	for _, call := range calls[1:] {
		more, err := parseArguments(intent, call.Function.Arguments)
		if call.Function.Name != first.Name || err != nil {
			ignored++
			continue
		}
		for name, value := range more {
			if values[name] == "" {
				values[name] = value
			}
		}
	}
	if ignored > 0 {
		ex.llm.logger.Info("llm returned several function calls, ignored the extra ones",
			"host", ex.llm.host, "model", ex.llm.model, "ignored", ignored)
	}

	for name, value := range values {
		if !occursIn(value, ex.req.Text) {
			delete(values, name)
			ex.llm.logger.Info("llm value does not occur in the message, dropped it",
				"host", ex.llm.host, "model", ex.llm.model, "slot", name)
		}
	}
	if len(values) == 0 {
		values = nil
	}
	return conversation.Understanding{Intent: intent.Name, Values: values}, nil
}

// parseArguments decodes a call's JSON arguments and checks them against
// the intent's schema: a JSON object with a string for every value.
// Arguments that are empty or JSON null mean a call without values.
// Unknown parameters, nulls and empty strings are dropped.
func parseArguments(intent conversation.Intent, arguments string) (map[string]string, error) {
	values := map[string]string{}
	if trimmed := strings.TrimSpace(arguments); trimmed == "" || trimmed == "null" {
		return values, nil
	}
	var decoded map[string]any
	if err := json.Unmarshal([]byte(arguments), &decoded); err != nil {
		return nil, fmt.Errorf("decode arguments of %s: %w", intent.Name, err)
	}
	for name, value := range decoded {
		if _, ok := intent.Slot(name); !ok || value == nil {
			continue
		}
		text, ok := value.(string)
		if !ok {
			return nil, fmt.Errorf("argument %s of %s is a %T, want a string", name, intent.Name, value)
		}
		if text = strings.TrimSpace(text); text != "" {
			values[name] = text
		}
	}
	return values, nil
}

var jsonFence = regexp.MustCompile("(?s)```(?:json)?\\s*(.*?)(?:```|$)")

// callFromContent finds a function call written as JSON in a text reply,
// inside a ```json fence or as the whole reply. It accepts
// {"name": ..., "arguments": {...}} and the keys "function", "tool",
// "parameters" and "args" in their place. found is false when the reply
// contains no JSON, and err is set when it contains broken JSON.
func callFromContent(content string) (call openai.ToolCall, found bool, err error) {
	body := strings.TrimSpace(content)
	if m := jsonFence.FindStringSubmatch(body); m != nil {
		body = strings.TrimSpace(m[1])
	}
	if !strings.HasPrefix(body, "{") {
		return openai.ToolCall{}, false, nil
	}

	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		return openai.ToolCall{}, true, fmt.Errorf("decode function call in content: %w", err)
	}
	if nested, ok := fields["function"]; ok && strings.HasPrefix(strings.TrimSpace(string(nested)), "{") {
		if err := json.Unmarshal(nested, &fields); err != nil {
			return openai.ToolCall{}, true, fmt.Errorf("decode function call in content: %w", err)
		}
	}

	var name string
	for _, key := range []string{"name", "function", "tool"} {
		if json.Unmarshal(fields[key], &name) == nil && name != "" {
			break
		}
	}
	if name == "" {
		return openai.ToolCall{}, false, nil
	}

	arguments := "{}"
	for _, key := range []string{"arguments", "parameters", "args"} {
		raw := strings.TrimSpace(string(fields[key]))
		if raw == "" {
			continue
		}
		var text string
		if json.Unmarshal(fields[key], &text) == nil {
			arguments = text
		} else {
			arguments = raw
		}
		break
	}
	return openai.ToolCall{Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: name, Arguments: arguments}}, true, nil
}

// repairMessages returns the turns that replay an unusable response and
// request a complete call. A tool call is replayed with its arguments as a
// string and followed by its result, and only the first call is kept, so
// no call is left without a result. A call written in the content is
// replayed as that content, so the model sees what it sent.
func repairMessages(previous openai.ChatCompletionMessage) []openai.ChatCompletionMessage {
	if len(previous.ToolCalls) == 0 {
		instruction := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: repairInstruction}
		if strings.TrimSpace(previous.Content) == "" {
			return []openai.ChatCompletionMessage{instruction}
		}
		sent := openai.ChatCompletionMessage{
			Role:             openai.ChatMessageRoleAssistant,
			Content:          previous.Content,
			ReasoningContent: previous.ReasoningContent,
		}
		return []openai.ChatCompletionMessage{sent, instruction}
	}
	call := previous.ToolCalls[0]
	if call.ID == "" {
		call.ID = "call_0"
	}
	call.Type = openai.ToolTypeFunction
	call.Index = nil
	return []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleAssistant, ToolCalls: []openai.ToolCall{call}, ReasoningContent: previous.ReasoningContent},
		{Role: openai.ChatMessageRoleTool, ToolCallID: call.ID, Content: repairInstruction},
	}
}
