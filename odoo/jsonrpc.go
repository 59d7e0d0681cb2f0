package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The legacy JSON-RPC API (POST /jsonrpc) calls a service method with
// positional arguments. The client uses two services:
//
//	common.login(db, login, key) returns the uid, or false when the login
//	and the key do not match.
//	object.execute_kw(db, uid, key, model, method, args, kwargs) runs a
//	model method; the API key is accepted in place of the password.
//
// The server sends HTTP 200 even for Odoo errors, which arrive as
// {"error": {"code": 0, "message": "Odoo Server Error", "data": {"name",
// "message", "arguments", "debug"}}}. The class is in data.name, and code
// carries no meaning. A method that returns None gets a response without
// "result".

// rpcRequest is a JSON-RPC 2.0 request body.
type rpcRequest struct {
	JSONRPC string    `json:"jsonrpc"`
	Method  string    `json:"method"`
	Params  rpcParams `json:"params"`
	ID      int64     `json:"id"`
}

type rpcParams struct {
	Service string `json:"service"`
	Method  string `json:"method"`
	Args    []any  `json:"args"`
}

// rpcResponse is a JSON-RPC 2.0 response body.
type rpcResponse struct {
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    *struct {
		Name      string `json:"name"`
		Message   string `json:"message"`
		Arguments []any  `json:"arguments"`
		Debug     string `json:"debug"`
	} `json:"data"`
}

// positionalParams lists, per method, the leading parameters that
// execute_kw receives as positional arguments, after the ids of a method
// on records. The other parameters go in kwargs. Positional arguments keep
// working on servers that named a parameter differently: name_search
// called its domain "args" before Odoo 18.
var positionalParams = map[string][]string{
	"create":       {"vals_list"},
	"write":        {"vals"},
	"search":       {"domain"},
	"search_read":  {"domain"},
	"search_count": {"domain"},
	"name_search":  {"name", "domain", "operator", "limit"},
	"name_create":  {"name"},
}

// executeKwArgs splits JSON-2 named arguments into the args and kwargs of
// execute_kw. The ids, when present, are the first positional argument.
// Positional parameters stop at the first one that params lacks.
func executeKwArgs(method string, params map[string]any) ([]any,
	map[string]any) {
	kwargs := make(map[string]any, len(params))
	for name, v := range params {
		if name != "ids" {
			kwargs[name] = v
		}
	}
	args := []any{}
	if ids, ok := params["ids"]; ok {
		args = append(args, ids)
	}
	for _, name := range positionalParams[method] {
		v, ok := kwargs[name]
		if !ok {
			break
		}
		args = append(args, v)
		delete(kwargs, name)
	}
	return args, kwargs
}

// callJSONRPC runs one call through object.execute_kw, logging in first
// when the uid is not known yet.
func (c *Client) callJSONRPC(ctx context.Context, model, method string,
	params map[string]any, result any) error {
	uid, err := c.userID(ctx)
	if err != nil {
		return err
	}
	args, kwargs := executeKwArgs(method, params)
	body, err := c.encodeParams(model, method, c.newRPCRequest("object",
		"execute_kw", []any{c.database, uid, c.apiKey.Reveal(), model,
			method, args, kwargs}))
	if err != nil {
		return err
	}
	return c.retry(ctx, model, method, repeatable[method], func() error {
		return c.postJSONRPC(ctx, model, method, body, result)
	})
}

func (c *Client) newRPCRequest(service, method string,
	args []any) rpcRequest {
	return rpcRequest{JSONRPC: "2.0", Method: "call",
		Params: rpcParams{Service: service, Method: method, Args: args},
		ID:     c.rpcID.Add(1)}
}

// userID returns the uid of the configured login, calling common.login
// once per client. Until a login succeeds, every call tries again.
func (c *Client) userID(ctx context.Context) (int64, error) {
	uid, err := c.uid.get(ctx, c.logIn)
	if err != nil {
		return 0, wrapContextError("common", "login", err)
	}
	return uid, nil
}

// logIn calls common.login(db, login, key) and returns the uid.
func (c *Client) logIn(ctx context.Context) (int64, error) {
	if c.login == "" || c.database == "" {
		return 0, &Error{Model: "common", Method: "login",
			kind: kindInvalidKey,
			Message: "the server is older than Odoo 19, so the client " +
				"needs the jsonrpc transport: " + jsonRPCNeeds}
	}
	body, err := json.Marshal(c.newRPCRequest("common", "login",
		[]any{c.database, c.login, c.apiKey.Reveal()}))
	if err != nil {
		return 0, &Error{Model: "common", Method: "login",
			Message: "encode parameters: " + err.Error(), Err: err}
	}

	var raw json.RawMessage
	err = c.retry(ctx, "common", "login", true, func() error {
		return c.postJSONRPC(ctx, "common", "login", body, &raw)
	})
	if err != nil {
		// A login changes nothing, so its outcome never matters.
		if e := asError(err); e != nil {
			e.OutcomeUnknown = false
		}
		return 0, err
	}

	var value any
	if err := decodeNumbers(raw, &value); err != nil {
		return 0, &Error{Model: "common", Method: "login",
			Status:  http.StatusOK,
			Message: "decode uid: " + err.Error(), Err: err}
	}
	if value == false {
		return 0, &Error{Model: "common", Method: "login",
			Status: http.StatusOK, kind: kindInvalidKey,
			Message: fmt.Sprintf("login %q and the API key do not match: "+
				"check the login and create a new key if it expired",
				c.login)}
	}
	uid, ok := toInt(value)
	if !ok || uid <= 0 {
		return 0, &Error{Model: "common", Method: "login",
			Status:  http.StatusOK,
			Message: fmt.Sprintf("unexpected uid %s", summarize(raw))}
	}
	c.logger.DebugContext(ctx, "odoo json-rpc login",
		"login", c.login, "uid", uid)
	return uid, nil
}

// legacyVersion returns the server version from the JSON-RPC
// common.version, which needs no login.
func (c *Client) legacyVersion(ctx context.Context) (VersionInfo, error) {
	body, err := json.Marshal(c.newRPCRequest("common", "version", []any{}))
	if err != nil {
		return VersionInfo{}, &Error{Model: "common", Method: "version",
			Message: "encode parameters: " + err.Error(), Err: err}
	}
	var version struct {
		Version string `json:"server_version"`
		Info    []any  `json:"server_version_info"`
	}
	err = c.postJSONRPC(ctx, "common", "version", body, &version)
	if e := asError(err); e != nil {
		e.OutcomeUnknown = false
	}
	return VersionInfo{Version: version.Version, Info: version.Info}, err
}

// postJSONRPC sends one request to /jsonrpc and decodes its result.
func (c *Client) postJSONRPC(ctx context.Context, model, method string,
	body []byte, result any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.baseURL+"/jsonrpc", bytes.NewReader(body))
	if err != nil {
		return &Error{Model: model, Method: method, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.database != "" {
		req.Header.Set("X-Odoo-Database", c.database)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(model, method, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return c.responseError(model, method, resp)
	}

	var response rpcResponse
	if err := json.NewDecoder(resp.Body).Decode(&response); err != nil {
		return &Error{Model: model, Method: method, Status: resp.StatusCode,
			Message: "decode response: " + err.Error(), Err: err,
			OutcomeUnknown: !repeatable[method]}
	}
	if response.Error != nil {
		return c.jsonRPCError(model, method, response.Error)
	}
	if result == nil {
		return nil
	}
	raw := response.Result
	if len(raw) == 0 {
		// Odoo leaves "result" out when the method returns None.
		raw = json.RawMessage("null")
	}
	if err := decodeResult(json.NewDecoder(bytes.NewReader(raw)), result); err != nil {
		return &Error{Model: model, Method: method, Status: resp.StatusCode,
			Message: "decode result: " + err.Error(), Err: err}
	}
	return nil
}

// jsonRPCError builds the *Error for an error member, with the same
// classification as the JSON-2 error for the same failure.
func (c *Client) jsonRPCError(model, method string, rpcErr *rpcError) error {
	e := &Error{Model: model, Method: method, Status: http.StatusOK,
		Message: rpcErr.Message}
	if data := rpcErr.Data; data != nil {
		e.Name = data.Name
		e.Message = data.Message
		e.Arguments = data.Arguments
		e.Debug = data.Debug
	}
	e.kind = jsonRPCErrorKind(e.Name, e.Message)
	if isMissingDatabase(e.Name, e.Message) {
		e.Err = ErrDatabaseNotFound
		e.Message = c.databaseNotFoundMessage()
	}
	return e
}

// jsonRPCErrorKind classifies a JSON-RPC error by its exception name and,
// where Odoo raises a generic exception, by its message.
func jsonRPCErrorKind(name, message string) errorKind {
	switch {
	case name == nameUserError && strings.HasPrefix(message, "Object ") &&
		strings.HasSuffix(message, " doesn't exist"):
		// An unknown model, which JSON-2 reports as HTTP 404.
		return kindNotFound
	case name == "builtins.AttributeError" &&
		strings.HasPrefix(message, "The method '") &&
		strings.HasSuffix(message, "' does not exist"):
		// An unknown method, which JSON-2 reports as HTTP 404.
		return kindNotFound
	}
	return kindOfResponse(http.StatusOK, name)
}

// isMissingDatabase reports whether an error is the PostgreSQL error for a
// database name that does not exist.
func isMissingDatabase(name, message string) bool {
	return name == "psycopg2.OperationalError" &&
		strings.Contains(message, "database \"") &&
		strings.Contains(message, "does not exist")
}
