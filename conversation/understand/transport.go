package understand

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// maxResponseBytes bounds the response body read by argumentsTransport.
// A tool call for one chat message is a few kilobytes.
const maxResponseBytes = 4 << 20

// argumentsTransport rewrites successful chat completion responses whose
// tool call arguments are not a JSON string, as some local model servers
// send them. go-openai declares Arguments as a string and fails to decode
// the whole response otherwise. The rewrite keeps every other byte of the
// response's meaning, and a body that is not JSON passes through unchanged
// so that go-openai reports it. A response whose tool calls still do not
// decode fails with errUnsupportedToolCalls.
type argumentsTransport struct {
	client *http.Client
	logger *slog.Logger
	host   string
}

func (a *argumentsTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := a.client.Do(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return resp, err
	}

	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read llm response: %w", err)
	}
	if len(body) > maxResponseBytes {
		return nil, fmt.Errorf("read llm response: larger than %d bytes", maxResponseBytes)
	}

	if rewritten, types := stringifyArguments(body); len(types) > 0 {
		body = rewritten
		a.logger.Info("llm sent tool arguments that are not a JSON string, converted them to a string",
			"host", a.host, "types", strings.Join(types, ","))
	}
	if err := checkToolCalls(body); err != nil {
		a.logger.Warn("llm provider returned an unsupported tool-call format",
			"host", a.host, "error", err,
			"fix", "use a model server that sends tool calls in the OpenAI chat completions format")
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// errUnsupportedToolCalls marks a chat completion whose tool calls do not
// have the OpenAI shape, for example tool_calls as an object or a function
// name as a number.
var errUnsupportedToolCalls = errors.New("llm returned an unsupported tool-call format")

// checkToolCalls decodes body as go-openai will, and returns an error
// wrapping errUnsupportedToolCalls when a tool call field has the wrong
// JSON type. Other decode errors return nil, so that go-openai reports
// them as it does for any unreadable body.
func checkToolCalls(body []byte) error {
	var resp openai.ChatCompletionResponse
	var typeErr *json.UnmarshalTypeError
	err := json.Unmarshal(body, &resp)
	if errors.As(err, &typeErr) && strings.Contains(typeErr.Field, "tool_calls") {
		return fmt.Errorf("%w: %s is a JSON %s", errUnsupportedToolCalls, typeErr.Field, typeErr.Value)
	}
	return nil
}

// stringifyArguments returns body with every choices[].message.tool_calls[]
// .function.arguments that is not a JSON string (an object, array, number,
// boolean or null) replaced by its JSON text as a string, and the JSON
// types it replaced. The types are empty when nothing needed a change or
// body is not a chat completion.
func stringifyArguments(body []byte) ([]byte, []string) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil, nil
	}
	var choices []map[string]json.RawMessage
	if json.Unmarshal(top["choices"], &choices) != nil {
		return nil, nil
	}

	var types []string
	for _, choice := range choices {
		var message map[string]json.RawMessage
		if json.Unmarshal(choice["message"], &message) != nil {
			continue
		}
		var calls []map[string]json.RawMessage
		if json.Unmarshal(message["tool_calls"], &calls) != nil {
			continue
		}
		callsChanged := false
		for _, call := range calls {
			var function map[string]json.RawMessage
			if json.Unmarshal(call["function"], &function) != nil {
				continue
			}
			args := bytes.TrimSpace(function["arguments"])
			if len(args) == 0 || args[0] == '"' {
				continue
			}
			types = append(types, jsonType(args))
			function["arguments"], _ = json.Marshal(string(args))
			call["function"], _ = json.Marshal(function)
			callsChanged = true
		}
		if callsChanged {
			message["tool_calls"], _ = json.Marshal(calls)
			choice["message"], _ = json.Marshal(message)
		}
	}
	if len(types) == 0 {
		return nil, nil
	}
	top["choices"], _ = json.Marshal(choices)
	out, err := json.Marshal(top)
	if err != nil {
		return nil, nil
	}
	return out, types
}

// jsonType returns the JSON type name of the valid JSON value raw.
func jsonType(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
