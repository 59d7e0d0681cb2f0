package conversation

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTestStore(t *testing.T, path string) *BoltStore {
	t.Helper()
	s, err := OpenBolt(path, BoltOptions{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("OpenBolt(%s): %v", path, err)
	}
	return s
}

func TestOpenBoltHeldByAnotherOpener(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	first := openTestStore(t, path)
	defer first.Close()

	start := time.Now()
	_, err := OpenBolt(path, BoltOptions{LockTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("second OpenBolt succeeded while the file is held")
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("second OpenBolt waited %v, want about the 300ms lock timeout", waited)
	}
	for _, want := range []string{path, "another process holds it"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestOpenBoltReadOnlyWaitsForWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	writer := openTestStore(t, path)
	defer writer.Close()
	_, err := OpenBolt(path, BoltOptions{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "another process holds it") {
		t.Errorf("read-only open while a writer holds the file: %v, want the held-file error", err)
	}
}

func TestOpenBoltReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := openTestStore(t, path)
	ctx := context.Background()
	err := s.Update(ctx, func(tx Tx) error {
		return tx.AppendAudit(AuditEntry{Intent: IntentCreateCustomer, Outcome: "done", ID: 7})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := OpenBolt(path, BoltOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer ro.Close()
	var ids []int64
	err = ro.View(ctx, func(tx Tx) error {
		return tx.Audit(func(e AuditEntry) error { ids = append(ids, e.ID); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 || ids[0] != 7 {
		t.Errorf("audit ids = %v, want [7]", ids)
	}
}

func TestOpenBoltDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenBolt(path, BoltOptions{})
	if err == nil {
		t.Fatal("OpenBolt accepted a file that is not a bbolt database")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("error = %q, want the path and the word damaged", err)
	}
}

func TestBoltStoreRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)

	s := openTestStore(t, path)
	err := s.Update(ctx, func(tx Tx) error {
		st := State{Key: "k", Phase: PhaseCollecting, Draft: Draft{Intent: IntentCreateCustomer, Values: map[string]string{"name": "Acme"}}}
		if err := tx.PutState(st); err != nil {
			return err
		}
		if err := tx.PutButton("tok", ButtonRef{Key: "k", Version: 2, Action: actConfirm, Expires: now.Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutButton("old", ButtonRef{Key: "k", Expires: now.Add(-time.Hour)}); err != nil {
			return err
		}
		if _, err := tx.MarkEvent("ev-old", now.Add(-time.Minute)); err != nil {
			return err
		}
		seen, err := tx.MarkEvent("ev-1", now.Add(time.Hour))
		if seen {
			t.Error("MarkEvent(ev-1) reported seen on first call")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Reopen: everything survives, and Purge drops what expired.
	s = openTestStore(t, path)
	defer s.Close()
	err = s.Update(ctx, func(tx Tx) error {
		st, ok, err := tx.State("k")
		if err != nil || !ok {
			t.Fatalf("State(k) = %v, %v", ok, err)
		}
		if got := st.Draft.Values["name"]; got != "Acme" {
			t.Errorf("name = %q, want Acme", got)
		}
		seen, err := tx.MarkEvent("ev-1", now.Add(time.Hour))
		if err != nil || !seen {
			t.Errorf("MarkEvent(ev-1) after reopen = %v, %v; want seen", seen, err)
		}
		if err := tx.Purge(now); err != nil {
			return err
		}
		if _, ok, _ := tx.Button("old"); ok {
			t.Error("expired button survived Purge")
		}
		if _, ok, _ := tx.Button("tok"); !ok {
			t.Error("live button removed by Purge")
		}
		if seen, _ := tx.EventSeen("ev-old"); seen {
			t.Error("expired event id survived Purge")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
