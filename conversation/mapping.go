package conversation

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// IntentMapping changes where an intent's values go in Odoo: Fields maps
// slot names to Odoo field names (a custom "x_budget", say), and Fixed
// adds values to every record of the intent (a default team or tag).
type IntentMapping struct {
	Fields map[string]string `yaml:"fields"`
	Fixed  map[string]any    `yaml:"fixed"`
}

// ApplyMapping returns the declared intents with m applied. It rejects
// an unknown intent or slot, so a typing mistake in the configuration
// fails at start-up instead of silently writing nothing.
func ApplyMapping(m map[string]IntentMapping) ([]Intent, error) {
	out := make([]Intent, 0, len(intents))
	for _, in := range intents {
		in.Slots = slices.Clone(in.Slots)
		in.Fixed = maps.Clone(in.Fixed)
		out = append(out, in)
	}
	names := slices.Collect(maps.Keys(m))
	sort.Strings(names)
	for _, name := range names {
		i := slices.IndexFunc(out, func(in Intent) bool { return in.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("mapping: unknown intent %q (known: %s)", name, intentNames())
		}
		if err := out[i].apply(m[name]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (in *Intent) apply(m IntentMapping) error {
	for slotName, field := range m.Fields {
		j := slices.IndexFunc(in.Slots, func(s Slot) bool { return s.Name == slotName })
		if j < 0 {
			return fmt.Errorf("mapping: intent %s has no slot %q", in.Name, slotName)
		}
		if field == "" {
			return fmt.Errorf("mapping: slot %s.%s is mapped to an empty field name", in.Name, slotName)
		}
		in.Slots[j].Field = field
	}
	if in.Fixed == nil {
		in.Fixed = map[string]any{}
	}
	for field, v := range m.Fixed {
		in.Fixed[field] = v
	}
	return nil
}

func intentNames() string {
	var names []string
	for _, in := range intents {
		names = append(names, in.Name)
	}
	return fmt.Sprint(names)
}
