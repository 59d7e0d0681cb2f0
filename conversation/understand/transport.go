package understand

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// maxResponseBytes bounds the response body read by argumentsTransport.
// A tool call for one chat message is a few kilobytes.
const maxResponseBytes = 4 << 20

// argumentsTransport rewrites successful chat completion responses whose
// tool call arguments are a JSON object instead of a JSON string, as some
// local model servers send them. go-openai declares Arguments as a string
// and fails to decode the whole response otherwise. The rewrite keeps
// every other byte of the response's meaning, and a body that is not JSON
// passes through unchanged so that go-openai reports it.
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

	if rewritten, ok := stringifyArguments(body); ok {
		body = rewritten
		a.logger.Info("llm sent tool arguments as a json object, converted them to a string", "host", a.host)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// stringifyArguments returns body with every choices[].message.tool_calls[]
// .function.arguments that is a JSON object or array replaced by its JSON
// text as a string. It returns false when nothing needed a change or body
// is not a chat completion.
func stringifyArguments(body []byte) ([]byte, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil, false
	}
	var choices []map[string]json.RawMessage
	if json.Unmarshal(top["choices"], &choices) != nil {
		return nil, false
	}

	changed := false
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
			if len(args) == 0 || (args[0] != '{' && args[0] != '[') {
				continue
			}
			function["arguments"], _ = json.Marshal(string(args))
			call["function"], _ = json.Marshal(function)
			callsChanged = true
		}
		if callsChanged {
			message["tool_calls"], _ = json.Marshal(calls)
			choice["message"], _ = json.Marshal(message)
			changed = true
		}
	}
	if !changed {
		return nil, false
	}
	top["choices"], _ = json.Marshal(choices)
	out, err := json.Marshal(top)
	return out, err == nil
}
