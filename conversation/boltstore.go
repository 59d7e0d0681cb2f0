package conversation

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketStates  = []byte("conversations")
	bucketButtons = []byte("buttons")
	bucketEvents  = []byte("events")
	bucketOutbox  = []byte("outbox")
	bucketAudit   = []byte("audit")
)

// BoltOptions configures OpenBolt. The zero value waits 2 seconds for the
// file lock and opens the file for writing.
type BoltOptions struct {
	// LockTimeout is how long to wait for another process to release the
	// file. Zero means 2 seconds.
	LockTimeout time.Duration
	// ReadOnly opens the file with a shared lock, for commands that only
	// read, such as printing the audit log.
	ReadOnly bool
}

// BoltStore is a Store in one bbolt file.
type BoltStore struct {
	db   *bolt.DB
	path string
}

// OpenBolt opens or creates the state file at path. It fails with an
// error naming the file when another process holds it or when the file is
// not a bbolt database.
func OpenBolt(path string, opts BoltOptions) (*BoltStore, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open state file %s: %w", path, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("open state file %s: another process holds it (is another crmbot running?); stop it or use another state file", path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("open state file %s: the file is damaged or not a crmbot state file: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	s := &BoltStore{db: db, path: path}
	if opts.ReadOnly {
		return s, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketStates, bucketButtons, bucketEvents, bucketOutbox, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("prepare state file %s: %w", path, err)
	}
	return s, nil
}

// Path returns the file name the store was opened with.
func (s *BoltStore) Path() string { return s.path }

// Close releases the file lock. It waits for open transactions.
func (s *BoltStore) Close() error { return s.db.Close() }

// Update runs fn in a read-write transaction, committed when fn returns nil.
func (s *BoltStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// View runs fn in a read-only transaction.
func (s *BoltStore) View(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

type boltTx struct{ tx *bolt.Tx }

// errNoBucket reports a read-only file created by an older version or
// never written; reads find nothing in it.
var errNoBucket = errors.New("state file has no such bucket")

func (t boltTx) bucket(name []byte) (*bolt.Bucket, error) {
	b := t.tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("%w: %s", errNoBucket, name)
	}
	return b, nil
}

func (t boltTx) getJSON(bucket []byte, key string, v any) (bool, error) {
	b := t.tx.Bucket(bucket)
	if b == nil {
		return false, nil
	}
	data := b.Get([]byte(key))
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decode %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

func (t boltTx) putJSON(bucket []byte, key string, v any) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", bucket, key, err)
	}
	return b.Put([]byte(key), data)
}

func (t boltTx) State(key string) (State, bool, error) {
	var s State
	ok, err := t.getJSON(bucketStates, key, &s)
	return s, ok, err
}

func (t boltTx) PutState(s State) error { return t.putJSON(bucketStates, s.Key, s) }

func (t boltTx) Button(token string) (ButtonRef, bool, error) {
	var b ButtonRef
	ok, err := t.getJSON(bucketButtons, token, &b)
	return b, ok, err
}

func (t boltTx) PutButton(token string, b ButtonRef) error {
	return t.putJSON(bucketButtons, token, b)
}

func (t boltTx) MarkEvent(id string, expires time.Time) (bool, error) {
	b, err := t.bucket(bucketEvents)
	if err != nil {
		return false, err
	}
	if b.Get([]byte(id)) != nil {
		return true, nil
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(expires.Unix()))
	return false, b.Put([]byte(id), buf[:])
}

func (t boltTx) EventSeen(id string) (bool, error) {
	b := t.tx.Bucket(bucketEvents)
	return b != nil && b.Get([]byte(id)) != nil, nil
}

func (t boltTx) Outbox() ([]OutboxEntry, error) {
	b := t.tx.Bucket(bucketOutbox)
	if b == nil {
		return nil, nil
	}
	var entries []OutboxEntry
	err := b.ForEach(func(k, v []byte) error {
		var e OutboxEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode outbox/%s: %w", k, err)
		}
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

func (t boltTx) PutOutbox(e OutboxEntry) error { return t.putJSON(bucketOutbox, e.Key, e) }

func (t boltTx) DeleteOutbox(key string) error {
	b, err := t.bucket(bucketOutbox)
	if err != nil {
		return err
	}
	return b.Delete([]byte(key))
}

func (t boltTx) AppendAudit(e AuditEntry) error {
	b, err := t.bucket(bucketAudit)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], seq)
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Put(key[:], data)
}

func (t boltTx) Audit(fn func(AuditEntry) error) error {
	b := t.tx.Bucket(bucketAudit)
	if b == nil {
		return nil
	}
	return b.ForEach(func(k, v []byte) error {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode audit entry %x: %w", k, err)
		}
		return fn(e)
	})
}

func (t boltTx) Purge(now time.Time) error {
	if b := t.tx.Bucket(bucketEvents); b != nil {
		if err := deleteWhere(b, func(v []byte) bool {
			return len(v) == 8 && int64(binary.BigEndian.Uint64(v)) < now.Unix()
		}); err != nil {
			return err
		}
	}
	if b := t.tx.Bucket(bucketButtons); b != nil {
		return deleteWhere(b, func(v []byte) bool {
			var ref ButtonRef
			return json.Unmarshal(v, &ref) != nil || ref.Expires.Before(now)
		})
	}
	return nil
}

// deleteWhere deletes the keys whose values match. Keys are collected
// first because bbolt cursors must not see deletes mid-iteration.
func deleteWhere(b *bolt.Bucket, match func(v []byte) bool) error {
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if match(v) {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
