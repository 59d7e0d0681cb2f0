package odoo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// DefaultSchemaTTL is the time a Schema keeps a result when NewSchema is
// given no positive ttl.
const DefaultSchemaTTL = 5 * time.Minute

// ErrModelNotFound is the cause of the error ModelID returns for a model
// that has no ir.model row, usually because its module is not installed.
var ErrModelNotFound = errors.New("model not found")

// Field describes one field of a model as fields_get returns it.
type Field struct {
	// Name is the technical name, e.g. "expected_revenue".
	Name string
	// String is the label shown to users, e.g. "Expected Revenue".
	String string
	// Type is the field type, e.g. "char", "monetary" or "many2one".
	Type string
	// Required and Readonly are the field's static attributes. A form
	// view may still make a field required or read-only for some
	// records.
	Required bool
	Readonly bool
	// Relation is the model that a relational field points to, e.g.
	// "crm.stage", or "".
	Relation string
	// Selection lists the [key, label] pairs of a selection field. An
	// integer key reads as its decimal text.
	Selection [][2]string
}

// RefKind names a reference list that Schema.Reference returns.
type RefKind string

// Reference lists. Archived records are left out of those whose model
// has an active field.
const (
	// RefStages are the crm.stage records, by sequence.
	RefStages RefKind = "stages"
	// RefTags are the crm.tag records, by name.
	RefTags RefKind = "tags"
	// RefLostReasons are the crm.lost.reason records, by name.
	RefLostReasons RefKind = "lost_reasons"
	// RefActivityTypes are the mail.activity.type records, by sequence.
	RefActivityTypes RefKind = "activity_types"
	// RefUsers are the internal res.users, by name. Portal and public
	// users (share set) are left out.
	RefUsers RefKind = "users"
)

// Ref is one record of a reference list.
type Ref struct {
	ID   int64
	Name string
	// Sequence orders stages and activity types. It is 0 for the other
	// lists.
	Sequence int
	// IsWon marks the stage of won leads. It is false for the other lists.
	IsWon bool
}

// refQuery is the search_read that fills one reference list.
type refQuery struct {
	model  string
	domain []any
	fields []string
	order  string
}

var refQueries = map[RefKind]refQuery{
	RefStages: {model: "crm.stage",
		fields: []string{"name", "sequence", "is_won"},
		order:  "sequence, name, id"},
	RefTags: {model: "crm.tag", fields: []string{"name"},
		order: "name, id"},
	RefLostReasons: {model: "crm.lost.reason", fields: []string{"name"},
		order: "name, id"},
	RefActivityTypes: {model: "mail.activity.type",
		fields: []string{"name", "sequence"}, order: "sequence, id"},
	RefUsers: {model: "res.users",
		domain: []any{[]any{"share", "=", false}},
		fields: []string{"name"}, order: "name, id"},
}

// fieldAttributes are the fields_get attributes that Field holds.
var fieldAttributes = []string{"string", "type", "required", "readonly",
	"relation", "selection"}

// Schema caches what rarely changes on an Odoo server: the fields of
// models, small reference lists and ir.model ids. Each result is kept for
// the ttl given to NewSchema. Concurrent requests for the same missing
// entry share one call, and failures are not kept, so the next request
// calls Odoo again. It is safe for concurrent use.
//
// Results are those visible to the client's user, so give each API key
// its own Schema when users see different fields or records.
type Schema struct {
	// Now returns the current time. NewSchema sets it to time.Now. Tests
	// may replace it before the first call.
	Now func() time.Time

	client *Client
	ttl    time.Duration

	mu       sync.Mutex
	entries  map[schemaKey]schemaEntry
	inflight map[schemaKey]*schemaCall
}

// schemaKey names one cached result: its kind ("fields", "ref:<kind>" or
// "model_id") and the model it was read from or describes.
type schemaKey struct {
	kind  string
	model string
}

type schemaEntry struct {
	value   any
	expires time.Time
}

// schemaCall is a load in progress, shared by every caller of its key.
type schemaCall struct {
	done  chan struct{}
	value any
	err   error
	// waiters counts the callers still waiting. The load is cancelled
	// when it drops to zero.
	waiters int
	cancel  context.CancelFunc
}

// NewSchema returns a cache of c's schema that keeps results for ttl, or
// for DefaultSchemaTTL when ttl is not positive.
func NewSchema(c *Client, ttl time.Duration) *Schema {
	if ttl <= 0 {
		ttl = DefaultSchemaTTL
	}
	return &Schema{
		Now:      time.Now,
		client:   c,
		ttl:      ttl,
		entries:  map[schemaKey]schemaEntry{},
		inflight: map[schemaKey]*schemaCall{},
	}
}

// Fields returns the fields of model that the user may read, by name.
// The map is the caller's own, but its Selection slices are shared with
// the cache and must not be modified. An unknown model fails with an
// error for which IsNotFound is true.
func (s *Schema) Fields(ctx context.Context,
	model string) (map[string]Field, error) {
	value, err := s.load(ctx, schemaKey{"fields", model},
		func(ctx context.Context) (any, error) {
			return s.fetchFields(ctx, model)
		})
	if err != nil {
		return nil, err
	}
	return maps.Clone(value.(map[string]Field)), nil
}

func (s *Schema) fetchFields(ctx context.Context,
	model string) (map[string]Field, error) {
	return s.client.FieldsGet(ctx, model, fieldAttributes)
}

// Reference returns the reference list kind, in the list's order. The
// slice is the caller's own.
func (s *Schema) Reference(ctx context.Context, kind RefKind) ([]Ref,
	error) {
	query, ok := refQueries[kind]
	if !ok {
		return nil, fmt.Errorf("odoo: unknown reference list %q", kind)
	}
	value, err := s.load(ctx, schemaKey{"ref:" + string(kind), query.model},
		func(ctx context.Context) (any, error) {
			return s.fetchRefs(ctx, query)
		})
	if err != nil {
		return nil, err
	}
	return slices.Clone(value.([]Ref)), nil
}

func (s *Schema) fetchRefs(ctx context.Context, query refQuery) ([]Ref,
	error) {
	records, err := s.client.SearchRead(ctx, query.model, query.domain,
		query.fields, SearchOptions{Order: query.order})
	if err != nil {
		return nil, err
	}

	refs := make([]Ref, 0, len(records))
	for _, r := range records {
		refs = append(refs, Ref{ID: r.ID(), Name: r.String("name"),
			Sequence: int(r.Int("sequence")), IsWon: r.Bool("is_won")})
	}
	return refs, nil
}

// ModelID returns the id of model's ir.model row, which fields such as
// mail.activity's res_model_id point to. A model that is not installed
// fails with an error wrapping ErrModelNotFound.
func (s *Schema) ModelID(ctx context.Context, model string) (int64, error) {
	value, err := s.load(ctx, schemaKey{"model_id", model},
		func(ctx context.Context) (any, error) {
			return s.fetchModelID(ctx, model)
		})
	if err != nil {
		return 0, err
	}
	return value.(int64), nil
}

func (s *Schema) fetchModelID(ctx context.Context, model string) (int64,
	error) {
	records, err := s.client.SearchRead(ctx, "ir.model",
		[]any{[]any{"model", "=", model}}, []string{"model"},
		SearchOptions{Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(records) == 0 || records[0].ID() == 0 {
		return 0, fmt.Errorf("odoo: find ir.model of %q: %w "+
			"(install the module that defines it)", model, ErrModelNotFound)
	}
	return records[0].ID(), nil
}

// Invalidate drops every result read from or about model: its fields,
// its ir.model id, and the reference list read from it, e.g. RefTags for
// "crm.tag". Call it after changing such records, e.g. after creating a
// tag. A load in progress still returns to its callers but is not kept.
func (s *Schema) Invalidate(model string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key := range s.entries {
		if key.model == model {
			delete(s.entries, key)
		}
	}
	for key := range s.inflight {
		if key.model == model {
			delete(s.inflight, key)
		}
	}
}

// InvalidateAll drops every result. A load in progress still returns to
// its callers but is not kept.
func (s *Schema) InvalidateAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.entries)
	clear(s.inflight)
}

// load returns the fresh cached value of key, or calls fetch once for all
// the callers that request key while it runs. fetch runs in its own
// goroutine with a context that keeps ctx's values but is cancelled only
// when every caller has stopped waiting, so one caller's cancellation
// does not fail the others. A value is cached only when fetch succeeds
// and key was not invalidated meanwhile.
func (s *Schema) load(ctx context.Context, key schemaKey,
	fetch func(context.Context) (any, error)) (any, error) {
	s.mu.Lock()
	if entry, ok := s.entries[key]; ok && s.Now().Before(entry.expires) {
		s.mu.Unlock()
		return entry.value, nil
	}
	call := s.inflight[key]
	if call == nil {
		fetchCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		call = &schemaCall{done: make(chan struct{}), cancel: cancel}
		s.inflight[key] = call
		go s.run(fetchCtx, key, call, fetch)
	}
	call.waiters++
	s.mu.Unlock()

	select {
	case <-call.done:
		return call.value, call.err
	case <-ctx.Done():
		s.leave(key, call)
		return nil, ctx.Err()
	}
}

// run calls fetch for call and publishes the result.
func (s *Schema) run(ctx context.Context, key schemaKey, call *schemaCall,
	fetch func(context.Context) (any, error)) {
	value, err := fetch(ctx)

	s.mu.Lock()
	if s.inflight[key] == call {
		delete(s.inflight, key)
		if err == nil {
			s.entries[key] = schemaEntry{value: value,
				expires: s.Now().Add(s.ttl)}
		}
	}
	call.value, call.err = value, err
	s.mu.Unlock()

	close(call.done)
	call.cancel()
}

// leave records that a caller stopped waiting for call. The last one to
// leave cancels the load and removes it from the in-flight map, so that
// the next caller starts a new load instead of joining a cancelled one.
func (s *Schema) leave(key schemaKey, call *schemaCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	call.waiters--
	if call.waiters > 0 {
		return
	}
	call.cancel()
	if s.inflight[key] == call {
		delete(s.inflight, key)
	}
}
