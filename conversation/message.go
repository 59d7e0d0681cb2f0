package conversation

// Message is one reply, in catalog terms: the bot looks Key up in its
// message catalog for the conversation's language and fills in Args.
type Message struct {
	Key  string
	Args []string
	// Fields are preview lines; Label is a slot name.
	Fields  []Field
	Buttons []Button
	Record  *Result
	// ReplaceSource asks the connector to edit the message whose button
	// was clicked instead of sending a new one.
	ReplaceSource bool
}

// Field is one preview line. Empty marks an optional slot left empty, so
// the bot can say "no email" instead of leaving a blank.
type Field struct {
	Slot  string
	Value string
	Empty bool
}

// Button is a catalog label key, an optional argument for the label (a
// partner name, say) and the opaque token sent back on a click.
type Button struct {
	Key   string
	Arg   string
	Token string
}

// Output is everything the engine replies to one event.
type Output struct {
	Lang     string
	Messages []Message
}

// Message catalog keys. Arguments are listed after each key.
const (
	MsgHelp             = "help"              // text the user sent, may be empty
	MsgNotUnderstood    = "not_understood"    // text
	MsgAsk              = "ask"               // intent, slot
	MsgAskOptional      = "ask_optional"      // intent, slot
	MsgInvalid          = "invalid"           // slot kind name, value
	MsgPreview          = "preview"           // intent
	MsgChoose           = "choose"            // partner name as written
	MsgChooseMore       = "choose_more"       // partner name as written, matches, shown
	MsgDuplicate        = "duplicate"         // name, ids of partners with that name
	MsgNoMatch          = "no_match"          // partner name as written
	MsgEditWhich        = "edit_which"        // intent
	MsgCancelled        = "cancelled"         // intent, draft label
	MsgNothingToCancel  = "nothing_to_cancel" //
	MsgDone             = "done"              // intent, record name, id
	MsgAlreadyDone      = "already_done"      // intent, record name, id
	MsgFailed           = "failed"            // intent, reason
	MsgUnavailable      = "unavailable"       // intent
	MsgOutcomeUnknown   = "outcome_unknown"   // intent
	MsgExecuting        = "executing"         // intent
	MsgExpired          = "expired"           //
	MsgNotOwner         = "not_owner"         //
	MsgResumed          = "resumed"           // intent, draft label
	MsgSwitched         = "switched"          // old intent, new intent, old draft label
	MsgTimedOut         = "timed_out"         // intent
	MsgRephrase         = "rephrase"          //
	MsgInternalError    = "internal_error"    //
	MsgLookupFailed     = "lookup_failed"     // partner name
	MsgMisconfigured    = "misconfigured"     // intent, reason
	MsgStateKept        = "state_kept"        //
	MsgPartnerCreatedTo = "partner_linked"    // partner name
)

// Button label keys.
const (
	BtnConfirm       = "confirm"
	BtnEdit          = "edit"
	BtnCancel        = "cancel"
	BtnRetry         = "retry"
	BtnChoose        = "choose"         // candidate name
	BtnCreatePartner = "create_partner" // name as written
	BtnEditSlot      = "edit_slot"      // slot name
	BtnSkip          = "skip"
	BtnBack          = "back"
)
