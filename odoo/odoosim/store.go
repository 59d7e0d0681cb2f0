package odoosim

import (
	"maps"
	"slices"
	"sort"
	"time"
)

// row is one stored record: field name to stored value. Stored values are
// int64 for integers and many2one ids, float64, bool, string, []int64 for
// x2many ids, or any other JSON value for json fields. An absent key is
// an empty value. Slices are replaced, never changed in place, so that a
// shallow copy of a row is a snapshot.
type row map[string]any

// table holds the records of one model.
type table struct {
	nextID int64
	rows   map[int64]row
}

// database is the state of the simulated database. A call works on a
// clone and the clone replaces the state only when the call succeeds, so
// a failed call changes nothing, as a rolled-back transaction would.
type database struct {
	tables map[string]*table
}

func newDatabase(models map[string]*model) *database {
	db := &database{tables: map[string]*table{}}
	for name := range models {
		db.tables[name] = &table{nextID: 1, rows: map[int64]row{}}
	}
	return db
}

func (db *database) clone() *database {
	copied := &database{tables: make(map[string]*table, len(db.tables))}
	for name, t := range db.tables {
		rows := make(map[int64]row, len(t.rows))
		for id, r := range t.rows {
			rows[id] = maps.Clone(r)
		}
		copied.tables[name] = &table{nextID: t.nextID, rows: rows}
	}
	return copied
}

// insert stores r under the next id of the model and returns that id.
func (db *database) insert(modelName string, r row) int64 {
	t := db.tables[modelName]
	id := t.nextID
	t.nextID++
	r["id"] = id
	t.rows[id] = r
	return id
}

func (db *database) row(modelName string, id int64) row {
	return db.tables[modelName].rows[id]
}

// sortedIDs returns every id of the model in increasing order.
func (db *database) sortedIDs(modelName string) []int64 {
	ids := slices.Collect(maps.Keys(db.tables[modelName].rows))
	slices.Sort(ids)
	return ids
}

// env is the state one call runs with: the database clone, the user and
// the call context.
type env struct {
	sim     *Server
	db      *database
	uid     int64
	context map[string]any
	now     time.Time
}

func (e *env) model(name string) *model { return e.sim.models[name] }

// nowText returns the current UTC time in Odoo's datetime format.
func (e *env) nowText() string {
	return e.now.UTC().Format(datetimeLayout)
}

const (
	dateLayout     = "2006-01-02"
	datetimeLayout = "2006-01-02 15:04:05"
)

// activeTest reports whether searches skip archived records, which is the
// default unless the context sets active_test to false.
func (e *env) activeTest() bool {
	v, ok := e.context["active_test"]
	return !ok || !isFalsy(v)
}

// exists reports whether the record exists, archived or not.
func (e *env) exists(modelName string, id int64) bool {
	t := e.db.tables[modelName]
	if t == nil {
		return false
	}
	_, ok := t.rows[id]
	return ok
}

// sortIDs orders ids by the fields of an order clause.
func (e *env) sortIDs(m *model, ids []int64, terms []orderTerm) {
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := e.db.row(m.name, ids[i]), e.db.row(m.name, ids[j])
		for _, term := range terms {
			c := compareValues(e.sortKey(m, a, term.field),
				e.sortKey(m, b, term.field))
			if c == 0 {
				continue
			}
			if term.desc {
				return c > 0
			}
			return c < 0
		}
		return false
	})
}

// sortKey returns the value a record sorts by: many2one fields sort by the
// display name of the related record.
func (e *env) sortKey(m *model, r row, name string) any {
	v := e.get(m, r, name)
	f := m.fields[name]
	if f != nil && f.Type == "many2one" {
		if id, ok := v.(int64); ok {
			return e.displayName(f.Relation, id)
		}
	}
	return v
}

// compareValues orders two stored values. Empty values sort first, as
// NULLS FIRST does for ascending order in Odoo.
func compareValues(a, b any) int {
	aEmpty, bEmpty := a == nil, b == nil
	switch {
	case aEmpty && bEmpty:
		return 0
	case aEmpty:
		return -1
	case bEmpty:
		return 1
	}
	if x, ok := asFloat(a); ok {
		if y, ok := asFloat(b); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	if x, ok := a.(bool); ok {
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	x, _ := a.(string)
	y, _ := b.(string)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
