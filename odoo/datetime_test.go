package odoo

import (
	"context"
	"encoding/json"
	"testing"
	"time"
	// The embedded zone database makes the tests independent of the
	// zoneinfo files of the machine.
	_ "time/tzdata"
)

func mustLoadLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load location %s: %v", name, err)
	}
	return loc
}

func TestFormatDatetime(t *testing.T) {
	brussels := mustLoadLocation(t, "Europe/Brussels")
	newYork := mustLoadLocation(t, "America/New_York")
	kolkata := mustLoadLocation(t, "Asia/Kolkata")
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"utc", time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC),
			"2026-12-05 09:00:00"},
		{"brussels winter", time.Date(2026, 12, 5, 10, 0, 0, 0, brussels),
			"2026-12-05 09:00:00"},
		{"brussels summer", time.Date(2026, 7, 1, 10, 0, 0, 0, brussels),
			"2026-07-01 08:00:00"},
		{"previous utc day", time.Date(2026, 1, 1, 0, 30, 0, 0, brussels),
			"2025-12-31 23:30:00"},
		{"half-hour offset", time.Date(2026, 3, 5, 9, 0, 0, 0, kolkata),
			"2026-03-05 03:30:00"},
		{"fraction dropped", time.Date(2026, 3, 5, 9, 0, 1, 999999999,
			time.UTC), "2026-03-05 09:00:01"},
		// Brussels skips 02:00-03:00 on 29 March 2026: time.Date moves
		// 02:30 to 03:30 CEST, which is 01:30 UTC.
		{"spring gap", time.Date(2026, 3, 29, 2, 30, 0, 0, brussels),
			"2026-03-29 01:30:00"},
		{"new york fall back", time.Date(2026, 11, 1, 0, 30, 0, 0, newYork),
			"2026-11-01 04:30:00"},
	}
	for _, tt := range tests {
		if got := FormatDatetime(tt.in); got != tt.want {
			t.Errorf("FormatDatetime(%s): got %q, want %q", tt.name, got,
				tt.want)
		}
	}
}

func TestFormatDateKeepsLocalDay(t *testing.T) {
	tokyo := mustLoadLocation(t, "Asia/Tokyo")
	honolulu := mustLoadLocation(t, "Pacific/Honolulu")
	tests := []struct {
		in   time.Time
		want string
	}{
		// 08:00 in Tokyo is 23:00 UTC the day before.
		{time.Date(2026, 3, 5, 8, 0, 0, 0, tokyo), "2026-03-05"},
		// 20:00 in Honolulu is 06:00 UTC the day after.
		{time.Date(2026, 3, 5, 20, 0, 0, 0, honolulu), "2026-03-05"},
		{time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), "2028-02-29"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.in); got != tt.want {
			t.Errorf("FormatDate(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDatetimeRoundTripAcrossZones(t *testing.T) {
	zones := []string{"UTC", "Europe/Brussels", "America/New_York",
		"Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
		"America/Sao_Paulo"}
	// Instants around the 2026 DST changes of the zones above, in UTC.
	instants := []time.Time{
		time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC), // Brussels, before
		time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC),   // Brussels, after
		time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), // 02:30 CEST
		time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), // 02:30 CET
		time.Date(2026, 3, 8, 6, 59, 59, 0, time.UTC),  // New York, before
		time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC),    // New York, after
		time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC),  // 01:30 EDT
		time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC),  // 01:30 EST
		time.Date(2026, 4, 4, 14, 45, 0, 0, time.UTC),  // Lord Howe
		time.Date(2026, 4, 4, 14, 15, 0, 0, time.UTC),  // Chatham
		time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	for _, zone := range zones {
		loc := mustLoadLocation(t, zone)
		for _, instant := range instants {
			local := instant.In(loc)
			text := FormatDatetime(local)
			if want := instant.Format(DatetimeLayout); text != want {
				t.Errorf("FormatDatetime(%v): got %q, want %q", local, text,
					want)
			}
			got, err := ParseDatetime(text, loc)
			if err != nil {
				t.Errorf("ParseDatetime(%q): %v", text, err)
				continue
			}
			if !got.Equal(local) {
				t.Errorf("%s round trip of %v: got %v", zone, local, got)
			}
			if got.Location() != loc {
				t.Errorf("%s location: got %v, want %v", zone,
					got.Location(), loc)
			}
			if got.Format(time.RFC3339) != local.Format(time.RFC3339) {
				t.Errorf("%s wall clock: got %s, want %s", zone,
					got.Format(time.RFC3339), local.Format(time.RFC3339))
			}
		}
	}
}

func TestAmbiguousLocalTimesStayDistinct(t *testing.T) {
	// 02:30 happens twice in Brussels on 25 October 2026.
	brussels := mustLoadLocation(t, "Europe/Brussels")
	summer, err := ParseDatetime("2026-10-25 00:30:00", brussels)
	if err != nil {
		t.Fatal(err)
	}
	winter, err := ParseDatetime("2026-10-25 01:30:00", brussels)
	if err != nil {
		t.Fatal(err)
	}
	if got := summer.Format("15:04 MST"); got != "02:30 CEST" {
		t.Errorf("first 02:30: got %s, want 02:30 CEST", got)
	}
	if got := winter.Format("15:04 MST"); got != "02:30 CET" {
		t.Errorf("second 02:30: got %s, want 02:30 CET", got)
	}
	if got := winter.Sub(summer); got != time.Hour {
		t.Errorf("gap between the two 02:30: got %v, want 1h", got)
	}
}

func TestParseDatetimeRejects(t *testing.T) {
	inputs := []string{"", "false", "2026-12-05T09:00:00",
		"2026-12-05T09:00:00Z", "2026-12-05", "05/12/2026 09:00",
		"2026-13-05 09:00:00"}
	for _, in := range inputs {
		if got, err := ParseDatetime(in, time.UTC); err == nil {
			t.Errorf("ParseDatetime(%q): got %v, want an error", in, got)
		}
	}
}

func TestParseDatetimeNilLocationIsUTC(t *testing.T) {
	got, err := ParseDatetime("2026-12-05 09:00:00.5", nil)
	if err != nil {
		t.Fatalf("ParseDatetime: %v", err)
	}
	want := time.Date(2026, 12, 5, 9, 0, 0, 500000000, time.UTC)
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("ParseDatetime: got %v, want %v", got, want)
	}
}

func TestParseDate(t *testing.T) {
	got, err := ParseDate("2028-02-29")
	if err != nil {
		t.Fatalf("ParseDate: %v", err)
	}
	want := time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)
	if !got.Equal(want) {
		t.Errorf("ParseDate: got %v, want %v", got, want)
	}
	if FormatDate(got) != "2028-02-29" {
		t.Errorf("FormatDate(ParseDate): got %q, want %q", FormatDate(got),
			"2028-02-29")
	}
	for _, in := range []string{"", "2026-02-30", "2026-12-05 09:00:00"} {
		if got, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q): got %v, want an error", in, got)
		}
	}
}

func TestRecordTimeAndDate(t *testing.T) {
	kolkata := mustLoadLocation(t, "Asia/Kolkata")
	var r Record
	err := json.Unmarshal([]byte(`{"start": "2026-12-05 09:00:00",
		"stop": false, "date_deadline": "2026-12-05", "date_closed": false,
		"name": "Demo", "bad": "2026-12-05T09:00:00"}`), &r)
	if err != nil {
		t.Fatal(err)
	}

	wantStart := time.Date(2026, 12, 5, 14, 30, 0, 0, kolkata)
	if got := r.Time("start", kolkata); !got.Equal(wantStart) ||
		got.Location() != kolkata {
		t.Errorf("Time(start): got %v, want %v", got, wantStart)
	}
	for _, field := range []string{"stop", "missing", "name", "bad",
		"date_deadline"} {
		if got := r.Time(field, kolkata); !got.IsZero() {
			t.Errorf("Time(%s): got %v, want zero", field, got)
		}
	}

	wantDay := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	if got := r.Date("date_deadline"); !got.Equal(wantDay) {
		t.Errorf("Date(date_deadline): got %v, want %v", got, wantDay)
	}
	for _, field := range []string{"date_closed", "missing", "start"} {
		if got := r.Date(field); !got.IsZero() {
			t.Errorf("Date(%s): got %v, want zero", field, got)
		}
	}
}

func TestDatetimeThroughSimulator(t *testing.T) {
	ctx := context.Background()
	brussels := mustLoadLocation(t, "Europe/Brussels")
	start := time.Date(2026, 3, 29, 3, 0, 0, 0, brussels) // first CEST hour
	stop := start.Add(90 * time.Minute)
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			sim := startSim(t)
			c := sim.admin(t, transport)
			id, err := c.Create(ctx, "calendar.event", map[string]any{
				"name": "Demo", "start": FormatDatetime(start),
				"stop": FormatDatetime(stop)})
			if err != nil {
				t.Fatalf("create event: %v", err)
			}
			event := readOne(t, c, "calendar.event", id,
				[]string{"start", "stop", "duration"})
			if got := event.String("start"); got != "2026-03-29 01:00:00" {
				t.Errorf("start on the wire: got %q, want %q", got,
					"2026-03-29 01:00:00")
			}
			if got := event.Time("start", brussels); !got.Equal(start) {
				t.Errorf("Time(start): got %v, want %v", got, start)
			}
			if got := event.Time("stop", brussels); !got.Equal(stop) {
				t.Errorf("Time(stop): got %v, want %v", got, stop)
			}
			if got := event.Float("duration"); got != 1.5 {
				t.Errorf("duration: got %v, want 1.5", got)
			}
		})
	}
}

func TestISODatetimeNeverSent(t *testing.T) {
	ctx := context.Background()
	values := []struct {
		name  string
		value any
	}{
		{"time.Time", time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)},
		{"RFC 3339 text", "2026-12-05T09:00:00Z"},
		{"local ISO text", "2026-12-05T09:00"},
	}
	for _, transport := range transports {
		for _, v := range values {
			t.Run(transport+"/"+v.name, func(t *testing.T) {
				sim := startSim(t)
				c := sim.admin(t, transport)
				// Log in first, so that the count covers the create only.
				if _, err := c.ContextGet(ctx); err != nil {
					t.Fatal(err)
				}
				before := sim.Calls()
				_, err := c.Create(ctx, "calendar.event", map[string]any{
					"name": "Demo", "start": v.value,
					"stop": "2026-12-05 10:00:00"})
				if !IsValidation(err) {
					t.Errorf("error: got %v, want a validation error", err)
				}
				if IsOutcomeUnknown(err) || IsTransient(err) {
					t.Errorf("error: got %v, want known and permanent", err)
				}
				if got := sim.Calls() - before; got != 0 {
					t.Errorf("calls: got %d, want 0", got)
				}
			})
		}
	}

	// A date and an Odoo datetime pass, as does text that merely
	// contains a T.
	sim := startSim(t)
	c := sim.client(t, sim.AdminKey())
	_, err := c.Create(ctx, "calendar.event", map[string]any{
		"name": "Tuesday T-shirt sale", "start": "2026-12-05 09:00:00",
		"stop": "2026-12-05 10:00:00"})
	if err != nil {
		t.Errorf("create with Odoo datetimes: %v", err)
	}
	_, err = c.SearchRead(ctx, "crm.lead", []any{[]any{"date_deadline",
		">=", "2026-12-05"}}, []string{"name"}, SearchOptions{})
	if err != nil {
		t.Errorf("search with a date: %v", err)
	}
}
