package odoosim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configures a Server. The zero value is ready to use.
type Options struct {
	// Database is the name of the simulated database. "" means "crm19".
	// A request whose X-Odoo-Database header names another database gets
	// Odoo's HTML 404 page. Requests without the header use this one.
	Database string
	// Logger receives one debug line per call and the failures. Nil
	// discards them.
	Logger *slog.Logger
	// CustomFields adds fields by model, as Odoo Studio or a custom
	// module does, such as an "x_budget" monetary field on crm.lead.
	CustomFields map[string][]CustomField
}

// CustomField is a field added to a model. Type is an Odoo field type
// ("char", "text", "float", "monetary", "integer", "date", "boolean",
// "selection", "many2one"); Relation names the target model of a
// many2one, and Selection the keys and labels of a selection.
type CustomField struct {
	Name      string
	Type      string
	String    string
	Relation  string
	Selection [][2]string
}

// Server is an in-memory Odoo 19 server. It is safe for concurrent use.
// Calls run one at a time, each on its own copy of the data, and that copy
// replaces the state only when the call succeeds.
type Server struct {
	database string
	logger   *slog.Logger
	models   map[string]*model
	users    map[int64]*user

	mu         sync.Mutex
	db         *database
	injections []injection
	// latency, drops and losses are the faults set by SetLatency,
	// DropNext and LoseNextResponse.
	latency time.Duration
	drops   []callMatch
	losses  []callMatch
	calls   int
	now     func() time.Time

	httpServer *http.Server
	listener   net.Listener
}

// injection is a failure queued by InjectError.
type injection struct {
	model, method string
	kind          ErrorKind
	message       string
}

// User ids of the seeded users.
const (
	// AdminUID is the id of "Mitchell Admin", who has every right.
	AdminUID int64 = 2
	// SalesUID is the id of "Sales One", a salesperson who can read
	// only their own and unassigned leads.
	SalesUID int64 = 7
)

// New returns a server with the seed data: the users, the "Sales" team,
// the stages New, Qualified, Proposition and Won, lost reasons, tags and a
// few demo contacts and leads.
func New(opts Options) *Server {
	s := &Server{
		database: opts.Database,
		logger:   opts.Logger,
		models:   newModels(),
		now:      time.Now,
	}
	if s.database == "" {
		s.database = "crm19"
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	s.users = map[int64]*user{
		AdminUID: {id: AdminUID, name: "Mitchell Admin", login: "admin",
			key: newKey(), password: newKey(), admin: true},
		SalesUID: {id: SalesUID, name: "Sales One", login: "sales1",
			key: newKey(), password: newKey()},
	}
	for modelName, fields := range opts.CustomFields {
		m, ok := s.models[modelName]
		if !ok {
			continue
		}
		for _, cf := range fields {
			label := cf.String
			if label == "" {
				label = cf.Name
			}
			m.fields[cf.Name] = &field{Name: cf.Name, Type: cf.Type, String: label,
				Relation: cf.Relation, Selection: cf.Selection}
		}
	}
	s.db = newDatabase(s.models)
	s.seed()
	return s
}

// newKey returns a random API key in the format of Odoo's keys: 40
// lower-case hexadecimal digits.
func newKey() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("odoosim: read random bytes: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Database returns the name of the simulated database.
func (s *Server) Database() string { return s.database }

// AdminKey returns the API key of "Mitchell Admin" (uid 2).
func (s *Server) AdminKey() string { return s.users[AdminUID].key }

// SalesKey returns the API key of "Sales One" (uid 7), a salesperson
// limited to their own leads.
func (s *Server) SalesKey() string { return s.users[SalesUID].key }

// Calls returns the number of JSON-2 and JSON-RPC requests handled,
// failed ones included.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// InjectError makes the next call of method on model fail with kind and
// message, as Odoo would. Each injection fails one call, so inject several
// times to fail several calls. "" for model or method matches any.
func (s *Server) InjectError(model, method string, kind ErrorKind,
	message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.injections = append(s.injections,
		injection{model: model, method: method, kind: kind, message: message})
}

// takeInjection removes and returns the first injection matching the
// call. The caller holds s.mu.
func (s *Server) takeInjection(model, method string) *injection {
	for i, inj := range s.injections {
		if (inj.model == "" || inj.model == model) &&
			(inj.method == "" || inj.method == method) {
			s.injections = append(s.injections[:i:i], s.injections[i+1:]...)
			return &inj
		}
	}
	return nil
}

// Snapshot is a copy of the simulated data taken by Server.Snapshot.
type Snapshot struct {
	db *database
}

// Snapshot returns a copy of the current data for Restore.
func (s *Server) Snapshot() *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &Snapshot{db: s.db.clone()}
}

// Restore replaces the data with snap, which undoes every change made
// since the snapshot was taken, the next ids included. Faults and queued
// errors are kept. A snapshot can be restored any number of times.
func (s *Server) Restore(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db = snap.db.clone()
}

// Records returns a snapshot of every record of model, archived ones
// included, ordered by id. Each record has every stored and computed field
// as read would send it, decoded as encoding/json decodes into any:
// numbers are float64, a many2one is []any{id, "name"} and empty values
// are false. It returns nil for a model the simulator does not have.
func (s *Server) Records(model string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.models[model]
	if m == nil {
		return nil
	}
	e := s.newEnv(s.db, AdminUID, nil)
	var records []map[string]any
	for _, id := range s.db.sortedIDs(model) {
		r := s.db.row(model, id)
		record := object{{"id", id}}
		for _, name := range defaultReadFields(m) {
			record = append(record, member{name, e.wire(m, r, name)})
		}
		records = append(records, plainJSON(record))
	}
	return records
}

// plainJSON converts a record to the types encoding/json decodes into.
func plainJSON(record object) map[string]any {
	raw, err := json.Marshal(record)
	if err != nil {
		panic("odoosim: encode record: " + err.Error())
	}
	var plain map[string]any
	if err := json.Unmarshal(raw, &plain); err != nil {
		panic("odoosim: decode record: " + err.Error())
	}
	return plain
}

func (s *Server) newEnv(db *database, uid int64,
	context map[string]any) *env {
	return &env{sim: s, db: db, uid: uid, context: context, now: s.now()}
}

// setNextID makes the next record of model get id, when id is above the
// ids used so far.
func (s *Server) setNextID(model string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.db.tables[model]; t != nil && id > t.nextID {
		t.nextID = id
	}
}

// Start listens on addr, such as "127.0.0.1:0", serves the simulator in
// the background and returns its base URL. Close stops it.
func (s *Server) Start(addr string) (string, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	s.listener = listener
	s.httpServer = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		err := s.httpServer.Serve(listener)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("odoo simulator stopped", "error", err)
		}
	}()
	url := "http://" + listener.Addr().String()
	s.logger.Info("odoo simulator started", "url", url,
		"database", s.database)
	return url, nil
}

// Close stops the server started by Start, waiting up to 5 s for calls
// in progress. It does nothing when Start was not called.
func (s *Server) Close() error {
	if s.httpServer == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.httpServer.Shutdown(ctx)
	if err != nil {
		err = s.httpServer.Close()
	}
	s.logger.Info("odoo simulator stopped", "database", s.database)
	return err
}

// ExpireKey makes the API key of user uid stop working, as when it expires
// or is revoked in Odoo: calls with it get the same 401 "Invalid apikey"
// (JSON-2) or AccessDenied (JSON-RPC) as a wrong key. It returns a new key
// for the user, or "" when there is no such user.
func (s *Server) ExpireKey(uid int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[uid]
	if !ok {
		return ""
	}
	u.key = newKey()
	return u.key
}
