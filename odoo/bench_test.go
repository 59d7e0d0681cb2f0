package odoo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/odoo"
	"github.com/crmbot/crmbot/odoo/odoosim"
)

// The benchmarks compare each operation made through odoo.Client with the
// same requests sent by net/http alone: the same URL, headers and JSON
// body, to the same simulator on 127.0.0.1. In "paired" the raw side
// decodes each response with encoding/json into generic values, as a
// hand-written caller must to use it, so the difference is what the
// client adds. In "paired-body" the raw side only reads the body (and the
// ids it needs), so the difference also counts decoding the response.
//
// Client and simulator run in one process, so B/op and allocs/op count
// the simulator's allocations too. Those are the same on both sides, and
// the difference is the client's. docs/benchmarks.md records a run.

// benchExtraPartners are the partners added to the seed data so that the
// search_read benchmark returns 10 rows.
const benchExtraPartners = 20

// restoreEvery is how many iterations of a writing benchmark run before
// the simulator's data is restored. The simulator copies its data on
// each call, so unbounded growth would slow later iterations.
const restoreEvery = 100

// Request bodies, written by hand as odoo.Client encodes them: json.Marshal
// sorts the keys of a map. TestBenchBodiesMatchClient checks them.
var (
	searchReadFields = []string{"name", "email", "phone", "parent_id",
		"is_company"}
	searchReadBody = []byte(`{"domain":[],"fields":["name","email",` +
		`"phone","parent_id","is_company"],"limit":10}`)

	createPartnerVals = map[string]any{"name": "Bench Partner",
		"email": "bench@example.com"}
	createPartnerBody = []byte(`{"vals_list":[{"email":` +
		`"bench@example.com","name":"Bench Partner"}]}`)

	findPartnerDomain = []any{[]any{"email", "=ilike", "info@acme.example"}}
	findPartnerBody   = []byte(`{"domain":[["email","=ilike",` +
		`"info@acme.example"]],"fields":["name"],"limit":1}`)
	// acmePartnerID is the id of the seeded partner that
	// findPartnerDomain finds.
	acmePartnerID  int64 = 10
	createLeadBody       = []byte(`{"vals_list":[{"name":"Bench deal",` +
		`"partner_id":10,"type":"opportunity"}]}`)
)

// benchServer is a simulator with the benchmark data and two ways to call
// it that share one http.Client.
type benchServer struct {
	// bodyOnly makes the raw side read responses without decoding them,
	// except the ids it needs, for the stricter paired-body baseline.
	bodyOnly bool
	sim      *odoosim.Server
	url      string
	client   *odoo.Client
	http     *http.Client
	seeded   *odoosim.Snapshot
}

func newBenchServer(tb testing.TB, httpClient *http.Client) *benchServer {
	tb.Helper()
	sim := odoosim.New(odoosim.Options{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		tb.Fatalf("start simulator: %v", err)
	}
	tb.Cleanup(func() { _ = sim.Close() })
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	client, err := odoo.New(odoo.Config{URL: url, Database: sim.Database(),
		APIKey: sim.AdminKey(), HTTPClient: httpClient})
	if err != nil {
		tb.Fatalf("new client: %v", err)
	}

	s := &benchServer{sim: sim, url: url, client: client, http: httpClient}
	vals := make([]map[string]any, benchExtraPartners)
	for i := range vals {
		vals[i] = map[string]any{"name": fmt.Sprintf("Bench Contact %02d", i),
			"email": fmt.Sprintf("contact%02d@bench.example", i),
			"phone": "+1 555 01" + strconv.Itoa(10+i)}
	}
	if _, err := client.CreateMany(context.Background(), "res.partner",
		vals); err != nil {
		tb.Fatalf("create benchmark partners: %v", err)
	}
	s.seeded = sim.Snapshot()
	return s
}

// post sends body to /json/2/<model>/<method> with the headers
// odoo.Client sends and returns the response body.
func (s *benchServer) post(tb testing.TB, model, method string,
	body []byte) []byte {
	req, err := http.NewRequestWithContext(context.Background(),
		http.MethodPost, s.url+"/json/2/"+model+"/"+method,
		bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "bearer "+s.sim.AdminKey())
	req.Header.Set("X-Odoo-Database", s.sim.Database())

	resp, err := s.http.Do(req)
	if err != nil {
		tb.Fatalf("%s.%s: %v", model, method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s.%s: read response: %v", model, method, err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s.%s: got status %d, body %s", model, method,
			resp.StatusCode, raw)
	}
	return raw
}

// operation is one benchmarked action, made through the client or raw.
type operation struct {
	name   string
	client func(tb testing.TB, s *benchServer)
	raw    func(tb testing.TB, s *benchServer)
	// writes reports that the operation adds records, so the data is
	// restored every restoreEvery iterations.
	writes bool
}

var operations = []operation{
	{name: "SearchRead10", client: clientSearchRead, raw: rawSearchRead},
	{name: "CreatePartner", client: clientCreatePartner,
		raw: rawCreatePartner, writes: true},
	{name: "CRMAction", client: clientCRMAction, raw: rawCRMAction,
		writes: true},
}

func clientSearchRead(tb testing.TB, s *benchServer) {
	records, err := s.client.SearchRead(context.Background(), "res.partner",
		[]any{}, searchReadFields, odoo.SearchOptions{Limit: 10})
	if err != nil {
		tb.Fatalf("search_read: %v", err)
	}
	if len(records) != 10 {
		tb.Fatalf("search_read: got %d rows, want 10", len(records))
	}
}

func rawSearchRead(tb testing.TB, s *benchServer) {
	var rows []map[string]any
	s.decode(tb, s.post(tb, "res.partner", "search_read", searchReadBody), &rows)
	if !s.bodyOnly && len(rows) != 10 {
		tb.Fatalf("search_read: got %d rows, want 10", len(rows))
	}
}

// decode unmarshals a response as a hand-written caller would: with
// encoding/json into generic values. Using a result needs this much.
func (s *benchServer) decode(tb testing.TB, raw []byte, v any) {
	if _, isIDs := v.(*[]int64); s.bodyOnly && !isIDs {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		tb.Fatalf("decode %s: %v", raw, err)
	}
}

func clientCreatePartner(tb testing.TB, s *benchServer) {
	if _, err := s.client.Create(context.Background(), "res.partner",
		createPartnerVals); err != nil {
		tb.Fatalf("create: %v", err)
	}
}

func rawCreatePartner(tb testing.TB, s *benchServer) {
	var ids []int64
	s.decode(tb, s.post(tb, "res.partner", "create", createPartnerBody), &ids)
}

// clientCRMAction finds a partner by email, creates an opportunity for it
// and marks the opportunity won: three calls.
func clientCRMAction(tb testing.TB, s *benchServer) {
	ctx := context.Background()
	partners, err := s.client.SearchRead(ctx, "res.partner",
		findPartnerDomain, []string{"name"}, odoo.SearchOptions{Limit: 1})
	if err != nil || len(partners) != 1 {
		tb.Fatalf("find partner: got %d rows, error %v", len(partners), err)
	}
	leadID, err := s.client.Create(ctx, "crm.lead", map[string]any{
		"name": "Bench deal", "partner_id": partners[0].ID(),
		"type": "opportunity"})
	if err != nil {
		tb.Fatalf("create lead: %v", err)
	}
	if err := s.client.SetWon(ctx, leadID); err != nil {
		tb.Fatalf("set won: %v", err)
	}
}

// rawCRMAction sends the requests of clientCRMAction. It uses the known
// partner id, and decodes only the lead id from create's "[id]".
func rawCRMAction(tb testing.TB, s *benchServer) {
	var partners []map[string]any
	s.decode(tb, s.post(tb, "res.partner", "search_read", findPartnerBody), &partners)
	var ids []int64
	s.decode(tb, s.post(tb, "crm.lead", "create", createLeadBody), &ids)
	if len(ids) != 1 {
		tb.Fatalf("create lead: got ids %v", ids)
	}
	var won any
	s.decode(tb, s.post(tb, "crm.lead", "action_set_won", setWonBody(ids[0])), &won)
}

func setWonBody(leadID int64) []byte {
	body := append([]byte(`{"ids":[`), strconv.FormatInt(leadID, 10)...)
	return append(body, "]}"...)
}

// BenchmarkOdooCall measures each operation through the client, raw, and
// both in alternation. The paired run reports the mean time of each side
// and the client's overhead in percent of the raw time, measured on the
// same data and at the same moments.
func BenchmarkOdooCall(b *testing.B) {
	s := newBenchServer(b, nil)
	for _, op := range operations {
		b.Run(op.name+"/client", func(b *testing.B) {
			runSide(b, s, op, op.client)
		})
		b.Run(op.name+"/raw", func(b *testing.B) {
			runSide(b, s, op, op.raw)
		})
		b.Run(op.name+"/paired", func(b *testing.B) {
			runPaired(b, s, op)
		})
		b.Run(op.name+"/paired-body", func(b *testing.B) {
			s.bodyOnly = true
			defer func() { s.bodyOnly = false }()
			runPaired(b, s, op)
		})
	}
}

// runSide runs one side of an operation b.N times.
func runSide(b *testing.B, s *benchServer, op operation,
	call func(testing.TB, *benchServer)) {
	s.sim.Restore(s.seeded)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if op.writes && i > 0 && i%restoreEvery == 0 {
			b.StopTimer()
			s.sim.Restore(s.seeded)
			b.StartTimer()
		}
		call(b, s)
	}
}

// runPaired runs the client and the raw side once each per iteration,
// alternating which goes first, and times each call.
func runPaired(b *testing.B, s *benchServer, op operation) {
	s.sim.Restore(s.seeded)
	var clientTime, rawTime time.Duration
	timed := func(call func(testing.TB, *benchServer),
		total *time.Duration) {
		start := time.Now()
		call(b, s)
		*total += time.Since(start)
	}
	calls := 0
	for i := 0; b.Loop(); i++ {
		if op.writes && i > 0 && i%(restoreEvery/2) == 0 {
			b.StopTimer()
			s.sim.Restore(s.seeded)
			b.StartTimer()
		}
		// Alternating the order evens out the cost that the first call
		// leaves to the second, such as garbage to collect.
		if i%2 == 0 {
			timed(op.client, &clientTime)
			timed(op.raw, &rawTime)
		} else {
			timed(op.raw, &rawTime)
			timed(op.client, &clientTime)
		}
		calls++
	}
	clientNs := float64(clientTime.Nanoseconds()) / float64(calls)
	rawNs := float64(rawTime.Nanoseconds()) / float64(calls)
	b.ReportMetric(clientNs, "client-ns/op")
	b.ReportMetric(rawNs, "raw-ns/op")
	b.ReportMetric(100*(clientNs-rawNs)/rawNs, "overhead-%")
}

// recordingTransport keeps the body of every request it forwards.
type recordingTransport struct {
	mu     sync.Mutex
	bodies []string
}

func (t *recordingTransport) RoundTrip(req *http.Request) (*http.Response,
	error) {
	if req.Body != nil {
		raw, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(raw))
		t.mu.Lock()
		t.bodies = append(t.bodies, string(raw))
		t.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestBenchBodiesMatchClient checks that the raw side of each benchmark
// sends the bodies that the client sends.
func TestBenchBodiesMatchClient(t *testing.T) {
	recorder := &recordingTransport{}
	s := newBenchServer(t, &http.Client{Transport: recorder,
		Timeout: 30 * time.Second})
	tests := []struct {
		call func(testing.TB, *benchServer)
		want []string
	}{
		{clientSearchRead, []string{string(searchReadBody)}},
		{clientCreatePartner, []string{string(createPartnerBody)}},
		{clientCRMAction, []string{string(findPartnerBody),
			string(createLeadBody), "<set won>"}},
	}
	for _, tt := range tests {
		s.sim.Restore(s.seeded)
		recorder.mu.Lock()
		recorder.bodies = nil
		recorder.mu.Unlock()

		tt.call(t, s)
		recorder.mu.Lock()
		got := recorder.bodies
		recorder.mu.Unlock()
		if len(got) != len(tt.want) {
			t.Errorf("bodies: got %q, want %d bodies", got, len(tt.want))
			continue
		}
		for i, want := range tt.want {
			if want == "<set won>" {
				// The lead id differs from run to run.
				want = string(setWonBody(leadIDOf(t, s)))
			}
			if got[i] != want {
				t.Errorf("body %d:\ngot  %s\nwant %s", i, got[i], want)
			}
		}
	}
}

// leadIDOf returns the id of the newest lead of the simulator.
func leadIDOf(t *testing.T, s *benchServer) int64 {
	t.Helper()
	leads := s.sim.Records("crm.lead")
	if len(leads) == 0 {
		t.Fatal("no lead in the simulator")
	}
	return int64(leads[len(leads)-1]["id"].(float64))
}

func TestBenchPartnerID(t *testing.T) {
	s := newBenchServer(t, nil)
	partners, err := s.client.SearchRead(context.Background(),
		"res.partner", findPartnerDomain, []string{"name"},
		odoo.SearchOptions{Limit: 1})
	if err != nil {
		t.Fatalf("search_read: %v", err)
	}
	if len(partners) != 1 || partners[0].ID() != acmePartnerID {
		t.Errorf("partner: got %v, want id %d", partners, acmePartnerID)
	}
}
