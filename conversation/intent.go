package conversation

// SlotKind says how a slot's raw text is parsed and validated.
type SlotKind int

const (
	// KindText is free text, trimmed; it must not be empty.
	KindText SlotKind = iota
	// KindPhone is a phone number, normalized to international format
	// with the configured default region.
	KindPhone
	// KindEmail is an email address, validated and lower-cased.
	KindEmail
	// KindAmount is a money amount such as "50k", "5万" or "¥120,000".
	KindAmount
	// KindDate is a calendar date, absolute or relative ("next Friday",
	// "下周五"), resolved in the user's time zone.
	KindDate
	// KindPartner refers to an existing res.partner by name; the engine
	// looks it up and lets the user choose when several match.
	KindPartner
)

// Slot is one piece of information an intent gathers.
type Slot struct {
	// Name is the slot's key in Understanding.Values and in the state.
	Name string
	Kind SlotKind
	// Required slots are asked for until filled. Optional slots with Ask
	// set are asked once and may be skipped ("skip", "跳过").
	Required bool
	Ask      bool
	// Field is the Odoo field the value is written to.
	Field string
	// Description explains the slot to the LLM, in English.
	Description string
}

// Intent is one thing a user can ask the bot to do, declared as data.
type Intent struct {
	// Name identifies the intent in Understanding.Intent and LLM tools.
	Name string
	// Model is the Odoo model the confirmed action creates a record in.
	Model string
	// Description explains the intent to the LLM, in English.
	Description string
	Slots       []Slot
	// Fixed holds Odoo values written with every record of this intent.
	Fixed map[string]any
}

// Intent names.
const (
	IntentCreateCustomer    = "create_customer"
	IntentCreateOpportunity = "create_opportunity"
)

// Slot names shared by several intents.
const (
	SlotName    = "name"
	SlotPhone   = "phone"
	SlotEmail   = "email"
	SlotContact = "contact"
	SlotPartner = "partner"
	SlotAmount  = "amount"
	SlotClose   = "close_date"
)

var intents = []Intent{
	{
		Name:        IntentCreateCustomer,
		Model:       "res.partner",
		Description: "Create a new customer (a company) in the CRM.",
		Fixed:       map[string]any{"is_company": true},
		Slots: []Slot{
			{Name: SlotName, Kind: KindText, Required: true, Field: "name",
				Description: "Company name of the customer, as written by the user."},
			{Name: SlotPhone, Kind: KindPhone, Ask: true, Field: "phone",
				Description: "Phone number, digits as written by the user."},
			{Name: SlotEmail, Kind: KindEmail, Ask: true, Field: "email",
				Description: "Email address."},
			{Name: SlotContact, Kind: KindText, Field: "",
				Description: "Name of a contact person at the customer, if given."},
		},
	},
	{
		Name:        IntentCreateOpportunity,
		Model:       "crm.lead",
		Description: "Create a new sales opportunity for an existing customer.",
		Fixed:       map[string]any{"type": "opportunity"},
		Slots: []Slot{
			{Name: SlotPartner, Kind: KindPartner, Required: true, Field: "partner_id",
				Description: "Name of the customer the opportunity is for."},
			{Name: SlotName, Kind: KindText, Required: true, Field: "name",
				Description: "Short title of the opportunity, if the user gave one."},
			{Name: SlotAmount, Kind: KindAmount, Ask: true, Field: "expected_revenue",
				Description: "Expected revenue as written by the user, for example 50k or 5万."},
			{Name: SlotClose, Kind: KindDate, Field: "date_deadline",
				Description: "Expected closing date as written by the user, for example next Friday."},
		},
	},
}

// Intents returns the declared intents. Callers must not modify them.
func Intents() []Intent { return intents }

// LookupIntent returns the intent named name.
func LookupIntent(name string) (Intent, bool) {
	for _, in := range intents {
		if in.Name == name {
			return in, true
		}
	}
	return Intent{}, false
}

// Slot returns the slot named name.
func (in Intent) Slot(name string) (Slot, bool) {
	for _, s := range in.Slots {
		if s.Name == name {
			return s, true
		}
	}
	return Slot{}, false
}
