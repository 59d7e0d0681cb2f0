package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Config configures a Client.
type Config struct {
	// URL is the base URL of the Odoo server, e.g. http://127.0.0.1:8069.
	URL string
	// Database is sent as the X-Odoo-Database header when non-empty. It
	// is needed when the server hosts several databases.
	Database string
	// APIKey is the bearer key of the Odoo user the calls run as. Config
	// and Client log it as "[REDACTED]".
	APIKey string
	// HTTPClient sends the requests. Nil means a client with keep-alive
	// connections and a 30 s timeout per request.
	HTTPClient *http.Client
	// Logger receives retries and the transport chosen by "auto". Nil
	// discards them.
	Logger *slog.Logger
	// Transport selects the API. TransportJSON2 ("json2") is the API of
	// Odoo 19 and the default when empty. TransportJSONRPC ("jsonrpc") is
	// the legacy /jsonrpc endpoint, the only one of Odoo 16 to 18.
	// TransportAuto ("auto") chooses one from the server version on the
	// first call.
	Transport string
	// Login is the Odoo login (often an email address) of the user that
	// owns APIKey. Only the jsonrpc transport needs it, because the
	// legacy API authenticates with the login and the key together. It
	// is also required with "auto", in case the server is older than
	// Odoo 19.
	Login string
}

// LogValue implements slog.LogValuer and leaves the API key out.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.URL),
		slog.String("database", c.Database),
		slog.String("transport", c.Transport),
		slog.String("login", c.Login),
		slog.Any("api_key", Secret(c.APIKey)),
	)
}

// Client calls one Odoo database as one user. It is safe for concurrent
// use.
type Client struct {
	baseURL  string
	database string
	apiKey   Secret
	login    string
	http     *http.Client
	logger   *slog.Logger

	// transport is the configured transport, possibly TransportAuto.
	transport string
	// resolved caches the transport chosen for TransportAuto.
	resolved lazy[string]
	// uid caches the user id returned by the JSON-RPC common.login.
	uid lazy[int64]
	// rpcID numbers the JSON-RPC requests.
	rpcID atomic.Int64

	// maxTries bounds the tries of one call, retries included.
	maxTries int
	// backoff is the wait before the first retry. It doubles after each
	// retry.
	backoff time.Duration
}

const (
	defaultTimeout  = 30 * time.Second
	defaultMaxTries = 3
	defaultBackoff  = 250 * time.Millisecond
	// maxErrorBody bounds how much of an error response is read.
	maxErrorBody = 1 << 20
)

// New returns a client for cfg. It fails when cfg.URL is not an absolute
// http or https URL without query or fragment, when cfg.Transport is not
// one of "", "json2", "jsonrpc" and "auto", and when the jsonrpc
// transport lacks cfg.Login or cfg.Database. New sends no request.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	transport, err := checkTransport(cfg)
	if err != nil {
		return nil, err
	}

	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}

	return &Client{
		baseURL:   base,
		database:  cfg.Database,
		apiKey:    Secret(cfg.APIKey),
		login:     cfg.Login,
		http:      httpClient,
		logger:    logger,
		transport: transport,
		maxTries:  defaultMaxTries,
		backoff:   defaultBackoff,
	}, nil
}

// parseBaseURL validates raw and returns it without a trailing slash.
func parseBaseURL(raw string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("odoo: missing server URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("odoo: invalid server URL %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("odoo: invalid server URL %q: "+
			"scheme must be http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("odoo: invalid server URL %q: missing host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("odoo: invalid server URL %q: "+
			"remove the query and fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// LogValue implements slog.LogValuer and leaves the API key out.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", c.baseURL),
		slog.String("database", c.database),
	)
}

// RecordURL returns the link that opens a record in the Odoo 19 web
// client: <URL>/odoo/<model>/<id>.
func (c *Client) RecordURL(model string, id int64) string {
	return fmt.Sprintf("%s/odoo/%s/%d", c.baseURL, model, id)
}

// Call calls method on model with params as the named arguments (ids,
// context and the method's own parameters) and decodes the result into
// result, which may be nil to discard it. Failures are *Error values.
//
// The JSON-RPC transport sends params["ids"] as the first positional
// argument and the other parameters as execute_kw arguments, so callers
// use the JSON-2 form on both transports.
//
// Call rejects, without sending it, a request that contains a datetime
// with a "T" separator, such as a time.Time value or an RFC 3339 string,
// because Odoo 19 rejects it with HTTP 500. Format datetimes with
// FormatDatetime and dates with FormatDate.
//
// Transient failures are retried, up to three tries in all, for methods
// that are safe to repeat (see the package documentation).
func (c *Client) Call(ctx context.Context, model, method string,
	params map[string]any, result any) error {
	if params == nil {
		params = map[string]any{}
	}
	transport, err := c.Transport(ctx)
	if err != nil {
		return err
	}
	if transport == TransportJSONRPC {
		return c.callJSONRPC(ctx, model, method, params, result)
	}

	body, err := c.encodeParams(model, method, params)
	if err != nil {
		return err
	}
	return c.retry(ctx, model, method, repeatable[method], func() error {
		return c.post(ctx, model, method, body, result)
	})
}

// encodeParams encodes v as JSON and rejects datetimes that Odoo cannot
// parse.
func (c *Client) encodeParams(model, method string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Model: model, Method: method,
			Message: "encode parameters: " + err.Error(), Err: err}
	}
	if value, found := findISODatetime(body); found {
		return nil, &Error{Model: model, Method: method,
			kind: kindValidation,
			Message: fmt.Sprintf("invalid datetime %q: Odoo expects "+
				"\"YYYY-MM-DD HH:MM:SS\" in UTC, as FormatDatetime "+
				"returns", value)}
	}
	return body, nil
}

// retry runs send until it succeeds, up to maxTries times, while the
// failure is transient and repeating the call is safe: always when
// isRepeatable, otherwise only when Odoo rolled the call back or the
// request never left this host.
func (c *Client) retry(ctx context.Context, model, method string,
	isRepeatable bool, send func() error) error {
	wait := c.backoff
	for try := 1; ; try++ {
		err := send()
		if err == nil {
			return nil
		}
		if try >= c.maxTries || !shouldRetry(isRepeatable, err) {
			return err
		}

		c.logger.WarnContext(ctx, "retrying odoo call",
			"model", model, "method", method, "try", try, "error", err)
		if err := sleep(ctx, wait); err != nil {
			return &Error{Model: model, Method: method, Err: err}
		}
		wait *= 2
	}
}

// shouldRetry reports whether a failed call may be sent again.
func shouldRetry(isRepeatable bool, err error) bool {
	if !IsTransient(err) {
		return false
	}
	if isRepeatable {
		return true
	}
	e := asError(err)
	if e == nil {
		return false
	}
	// A serialization failure (409, or its name on JSON-RPC) means Odoo
	// rolled the transaction back, so nothing was applied.
	if e.Status == http.StatusConflict || e.Name == nameSerialization {
		return true
	}
	// Any method may be resent when the request never left this host.
	return e.Status == 0 && isNotSent(e.Err)
}

// repeatable lists the methods whose repetition cannot change the result:
// reads and searches. A write is not among them: x2many commands in it
// can create or link records, and server actions can run on it.
var repeatable = map[string]bool{
	"read":         true,
	"search":       true,
	"search_read":  true,
	"search_count": true,
	"name_search":  true,
	"fields_get":   true,
	"context_get":  true,
	"default_get":  true,
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// post sends one JSON-2 request and decodes its response.
func (c *Client) post(ctx context.Context, model, method string,
	body []byte, result any) error {
	endpoint := c.baseURL + "/json/2/" + url.PathEscape(model) + "/" +
		url.PathEscape(method)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint,
		bytes.NewReader(body))
	if err != nil {
		return &Error{Model: model, Method: method, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "bearer "+c.apiKey.Reveal())
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
	if result == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := decodeResult(json.NewDecoder(resp.Body), result); err != nil {
		return &Error{Model: model, Method: method, Status: resp.StatusCode,
			Message: "decode response: " + err.Error(), Err: err,
			OutcomeUnknown: !repeatable[method]}
	}
	return nil
}

// transportError wraps a failure of the HTTP exchange itself. Unless the
// request surely never left this host, its outcome is unknown.
func (c *Client) transportError(model, method string, err error) error {
	// Drop the *url.Error wrapper, because Error already names the call
	// and the URL would only repeat the server address.
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return &Error{Model: model, Method: method, Err: err,
		OutcomeUnknown: !isNotSent(err) && !errors.Is(err, context.Canceled)}
}

// responseError builds the *Error for a non-200 response.
func (c *Client) responseError(model, method string,
	resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &Error{Model: model, Method: method, Status: resp.StatusCode}

	var body struct {
		Name      string `json:"name"`
		Message   string `json:"message"`
		Arguments []any  `json:"arguments"`
		Debug     string `json:"debug"`
	}
	isJSON := strings.HasPrefix(resp.Header.Get("Content-Type"),
		"application/json")
	if isJSON && json.Unmarshal(raw, &body) == nil && body.Name != "" {
		e.Name = body.Name
		e.Message = body.Message
		e.Arguments = body.Arguments
		e.Debug = body.Debug
		return e
	}

	switch {
	case resp.StatusCode == http.StatusNotFound && !isJSON &&
		strings.Contains(string(raw), "database"):
		// Odoo sends an HTML page, which mentions the X-Odoo-Database
		// header, for an unknown database.
		e.Err = ErrDatabaseNotFound
		e.Message = c.databaseNotFoundMessage()
	case resp.StatusCode == http.StatusGatewayTimeout:
		// A proxy gave up waiting, but Odoo may still have applied the call.
		e.OutcomeUnknown = !repeatable[method]
		e.Message = "gateway timeout (HTTP 504)"
	default:
		e.Message = fmt.Sprintf("unexpected HTTP status %d: %s",
			resp.StatusCode, summarize(raw))
	}
	if resp.StatusCode == http.StatusBadGateway {
		e.OutcomeUnknown = !repeatable[method]
	}
	return e
}

func (c *Client) databaseNotFoundMessage() string {
	if c.database == "" {
		return fmt.Sprintf("no database selected on %s: "+
			"set the database name", c.baseURL)
	}
	return fmt.Sprintf("database %q not found on %s: "+
		"check the database name", c.database, c.baseURL)
}

// summarize returns the start of a response body on one line.
func summarize(raw []byte) string {
	text := strings.Join(strings.Fields(string(raw)), " ")
	const maxLength = 200
	if len(text) > maxLength {
		text = text[:maxLength] + "..."
	}
	if text == "" {
		return "empty body"
	}
	return text
}
