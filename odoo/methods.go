package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// SearchOptions are the optional arguments of SearchRead. The zero value
// means no limit, no offset, the model's default order and no context.
type SearchOptions struct {
	// Limit is the maximum number of records. 0 means no limit.
	Limit int
	// Offset is the number of matching records to skip.
	Offset int
	// Order is an Odoo order clause such as "id desc" or "name, id".
	Order string
	// Context is sent as the call context, e.g. {"active_test": false}
	// to include archived records.
	Context map[string]any
}

// Create creates one record of model with vals and returns its id.
// It is never resent automatically: when IsOutcomeUnknown(err) is true,
// search for the record before creating it again.
func (c *Client) Create(ctx context.Context, model string,
	vals map[string]any) (int64, error) {
	ids, err := c.create(ctx, model, []map[string]any{vals})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// CreateMany creates one record of model per element of vals in one call,
// so in one transaction: either every record is created or none is. It
// returns the ids in the order of vals, and nil without a call when vals
// is empty. Like Create, it is never resent automatically.
func (c *Client) CreateMany(ctx context.Context, model string,
	vals []map[string]any) ([]int64, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	return c.create(ctx, model, vals)
}

// create calls create with vals_list and checks that it returned one id
// per element.
func (c *Client) create(ctx context.Context, model string,
	valsList []map[string]any) ([]int64, error) {
	var ids idList
	params := map[string]any{"vals_list": valsList}
	if err := c.Call(ctx, model, "create", params, &ids); err != nil {
		return nil, err
	}
	if len(ids) != len(valsList) {
		return nil, &Error{Model: model, Method: "create",
			Status: http.StatusOK, OutcomeUnknown: true,
			Message: fmt.Sprintf("expected %d ids, got %v", len(valsList),
				[]int64(ids))}
	}
	return ids, nil
}

// idList is the result of a method that returns records: a list of ids
// on JSON-2, and on JSON-RPC either a list or, for some methods, one id.
type idList []int64

// UnmarshalJSON decodes a list of ids, one id, false or null.
func (l *idList) UnmarshalJSON(data []byte) error {
	*l = nil
	if isEmptyJSON(data) {
		return nil
	}
	var value any
	if err := decodeNumbers(data, &value); err != nil {
		return fmt.Errorf("decode ids %s: %w", data, err)
	}
	list, isList := value.([]any)
	if !isList {
		list = []any{value}
	}
	ids := make([]int64, 0, len(list))
	for _, v := range list {
		id, ok := toInt(v)
		if !ok {
			return fmt.Errorf("decode ids %s: %v is not an id", data, v)
		}
		ids = append(ids, id)
	}
	*l = ids
	return nil
}

// Write sets vals on the records ids. A deleted id fails with an error for
// which IsMissing is true.
func (c *Client) Write(ctx context.Context, model string, ids []int64,
	vals map[string]any) error {
	params := map[string]any{"ids": ids, "vals": vals}
	return c.Call(ctx, model, "write", params, nil)
}

// Unlink deletes the records ids.
func (c *Client) Unlink(ctx context.Context, model string,
	ids []int64) error {
	return c.Call(ctx, model, "unlink", map[string]any{"ids": ids}, nil)
}

// Read returns fields of the records ids, or all fields when fields is
// nil.
// Ids that do not exist are left out of the result without an error.
func (c *Client) Read(ctx context.Context, model string, ids []int64,
	fields []string) ([]Record, error) {
	params := map[string]any{"ids": ids}
	if fields != nil {
		params["fields"] = fields
	}
	return c.callRecords(ctx, model, "read", params)
}

// SearchRead returns fields of the records matching domain, a list in
// Odoo's prefix notation such as []any{[]any{"name", "ilike", "acme"}}.
// Archived records are left out unless opts.Context sets active_test to
// false.
func (c *Client) SearchRead(ctx context.Context, model string,
	domain []any, fields []string, opts SearchOptions) ([]Record, error) {
	params := map[string]any{"domain": nonNilDomain(domain)}
	if fields != nil {
		params["fields"] = fields
	}
	if opts.Limit > 0 {
		params["limit"] = opts.Limit
	}
	if opts.Offset > 0 {
		params["offset"] = opts.Offset
	}
	if opts.Order != "" {
		params["order"] = opts.Order
	}
	if opts.Context != nil {
		params["context"] = opts.Context
	}
	return c.callRecords(ctx, model, "search_read", params)
}

// callRecords calls a method that returns rows and decodes numbers
// exactly, so that large ids keep every digit.
func (c *Client) callRecords(ctx context.Context, model, method string,
	params map[string]any) ([]Record, error) {
	// Decoding into an empty interface takes encoding/json's generic
	// path, which is faster than filling a named map type through
	// reflection. The rows are then retyped without copying.
	var decoded any
	if err := c.Call(ctx, model, method, params, withNumbers{&decoded}); err != nil {
		return nil, err
	}
	rows, ok := decoded.([]any)
	if !ok && decoded != nil {
		return nil, &Error{Model: model, Method: method, Status: http.StatusOK,
			Message: fmt.Sprintf("decode records: got %T, want a list", decoded)}
	}
	records := make([]Record, 0, len(rows))
	for _, row := range rows {
		m, ok := row.(map[string]any)
		if !ok {
			return nil, &Error{Model: model, Method: method, Status: http.StatusOK,
				Message: fmt.Sprintf("decode records: got a row of type %T, want an object", row)}
		}
		records = append(records, Record(m))
	}
	return records, nil
}

// withNumbers wraps a result that Call decodes with json.Number for
// numbers, so that ids and amounts keep their exact text, in one pass.
type withNumbers struct{ v any }

// decodeResult decodes one JSON value from dec into result, honouring
// withNumbers.
func decodeResult(dec *json.Decoder, result any) error {
	if w, ok := result.(withNumbers); ok {
		dec.UseNumber()
		result = w.v
	}
	return dec.Decode(result)
}

// SearchCount returns the number of records matching domain.
func (c *Client) SearchCount(ctx context.Context, model string,
	domain []any) (int, error) {
	var n int
	params := map[string]any{"domain": nonNilDomain(domain)}
	err := c.Call(ctx, model, "search_count", params, &n)
	return n, err
}

// NameSearch returns up to limit records whose display name contains name
// (case-insensitive), within domain. A limit of 0 means Odoo's default
// of 100.
func (c *Client) NameSearch(ctx context.Context, model, name string,
	domain []any, limit int) ([]NameResult, error) {
	params := map[string]any{
		"name":     name,
		"domain":   nonNilDomain(domain),
		"operator": "ilike",
	}
	if limit > 0 {
		params["limit"] = limit
	}
	var results []NameResult
	err := c.Call(ctx, model, "name_search", params, &results)
	return results, err
}

// UnmarshalJSON decodes the attributes of one field. Missing attributes
// and false read as the zero value.
func (f *Field) UnmarshalJSON(data []byte) error {
	var raw struct {
		String    Text `json:"string"`
		Type      Text `json:"type"`
		Required  any  `json:"required"`
		Readonly  any  `json:"readonly"`
		Relation  Text `json:"relation"`
		Selection any  `json:"selection"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("decode field attributes: %w", err)
	}
	*f = Field{Name: f.Name, String: string(raw.String), Type: string(raw.Type),
		Relation: string(raw.Relation)}
	f.Required, _ = raw.Required.(bool)
	f.Readonly, _ = raw.Readonly.(bool)

	// Odoo sends a selection as [[key, label], ...]. Keys are strings,
	// and any other key, such as a number, reads as its text.
	options, _ := raw.Selection.([]any)
	for _, option := range options {
		pair, ok := option.([]any)
		if !ok || len(pair) != 2 {
			return fmt.Errorf("decode selection option %v: expected "+
				"[key, label]", option)
		}
		f.Selection = append(f.Selection,
			[2]string{selectionText(pair[0]), selectionText(pair[1])})
	}
	return nil
}

func selectionText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

// FieldsGet returns the fields of model by name, with only the given
// attributes (for example "string", "type", "required", "readonly",
// "relation" and "selection"), or all of them when attributes is nil.
// Odoo leaves out the fields restricted to groups that the user is not in.
func (c *Client) FieldsGet(ctx context.Context, model string,
	attributes []string) (map[string]Field, error) {
	params := map[string]any{}
	if attributes != nil {
		params["attributes"] = attributes
	}
	var fields map[string]Field
	if err := c.Call(ctx, model, "fields_get", params, &fields); err != nil {
		return nil, err
	}
	for name, f := range fields {
		f.Name = name
		fields[name] = f
	}
	return fields, nil
}

// ContextGet calls res.users/context_get, which proves that the API key
// works, and returns the user's context: "uid", "lang" and "tz".
func (c *Client) ContextGet(ctx context.Context) (map[string]any, error) {
	var userContext map[string]any
	err := c.Call(ctx, "res.users", "context_get", nil, &userContext)
	return userContext, err
}

// nonNilDomain returns domain, or an empty domain for nil, because Odoo
// requires the argument.
func nonNilDomain(domain []any) []any {
	if domain == nil {
		return []any{}
	}
	return domain
}

// decodeNumbers decodes data into v, keeping numbers in interface values
// as json.Number.
func decodeNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// VersionInfo is the server version reported by GET /json/version.
type VersionInfo struct {
	// Version is the version string, e.g. "19.0".
	Version string `json:"version"`
	// Info is version_info, e.g. [19, 0, 0, "final", 0, ""].
	Info []any `json:"version_info"`
}

// Major returns the major version, e.g. 19, or 0 when unknown.
func (v VersionInfo) Major() int {
	if len(v.Info) > 0 {
		if n, ok := toInt(v.Info[0]); ok {
			return int(n)
		}
	}
	major, _, _ := strings.Cut(v.Version, ".")
	var n int
	fmt.Sscanf(major, "%d", &n)
	return n
}

// Version returns the server version from GET /json/version, which needs
// no API key.
func (c *Client) Version(ctx context.Context) (VersionInfo, error) {
	var info VersionInfo
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		c.baseURL+"/json/version", nil)
	if err != nil {
		return info, &Error{Model: "server", Method: "version", Err: err}
	}
	if c.database != "" {
		req.Header.Set("X-Odoo-Database", c.database)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return info, c.transportError("server", "version", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return info, c.responseError("server", "version", resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return info, &Error{Model: "server", Method: "version",
			Status:  resp.StatusCode,
			Message: "decode version: " + err.Error(), Err: err}
	}
	return info, nil
}
