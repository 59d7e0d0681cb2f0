package odoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Layouts of Odoo's date and datetime strings. Datetimes are in UTC.
const (
	DateLayout     = "2006-01-02"
	DatetimeLayout = "2006-01-02 15:04:05"
)

// FormatDate returns the calendar date of t in t's own location as Odoo
// expects a date field: "YYYY-MM-DD". It does not convert t to UTC,
// because a date field has no time zone: 23:30 on 5 March in Brussels is
// "2026-03-05".
func FormatDate(t time.Time) string {
	return t.Format(DateLayout)
}

// FormatDatetime returns t converted to UTC as Odoo expects a datetime
// field: "YYYY-MM-DD HH:MM:SS", without fractional seconds.
func FormatDatetime(t time.Time) string {
	return t.UTC().Format(DatetimeLayout)
}

// ParseDatetime parses a datetime as Odoo sends it, "YYYY-MM-DD HH:MM:SS"
// in UTC, and returns it in loc. A nil loc means UTC. Fractional seconds
// are accepted. It fails on an empty string and on any other layout, such
// as one with a "T" separator.
func ParseDatetime(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(DatetimeLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("odoo: invalid datetime %q: "+
			"expected \"YYYY-MM-DD HH:MM:SS\"", s)
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc), nil
}

// ParseDate parses a date as Odoo sends it, "YYYY-MM-DD", and returns
// midnight UTC of that day. Read the day with Year, Month and Day: moving
// the result to another location with In can change the day. Build
// midnight in a zone with time.Date(d.Year(), d.Month(), d.Day(), 0, 0,
// 0, 0, loc).
func ParseDate(s string) (time.Time, error) {
	t, err := time.ParseInLocation(DateLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("odoo: invalid date %q: "+
			"expected \"YYYY-MM-DD\"", s)
	}
	return t, nil
}

// isoDatetime matches an ISO 8601 datetime with a "T" separator, as
// time.Time encodes to JSON. Odoo 19 cannot parse it and fails with HTTP
// 500 and a ValueError.
var isoDatetime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)

// findISODatetime returns the first JSON string in body that is an ISO
// 8601 datetime with a "T" separator.
// NOTE: this also rejects such text in a char field, which Odoo would
// store unchanged.
func findISODatetime(body []byte) (string, bool) {
	if !bytes.Contains(body, []byte("T")) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		token, err := dec.Token()
		if err != nil {
			// io.EOF ends the scan. The body came from json.Marshal, so
			// no other error is expected.
			return "", false
		}
		if s, ok := token.(string); ok && isoDatetime.MatchString(s) {
			return s, true
		}
	}
}
