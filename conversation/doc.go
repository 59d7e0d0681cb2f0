// Package conversation turns a chat user's messages and button clicks into
// confirmed CRM actions.
//
// An Engine keeps one conversation per user and chat. Each conversation is
// a small state machine, stored in a Store (bbolt by default) after every
// event:
//
//	idle ──intent──▶ collecting ──all slots filled──▶ confirming
//	                  ▲    │                            │   │
//	                  │    └─several matches─▶ choosing │   │ Confirm
//	                  └────────────Edit─────────────────┘   ▼
//	                                                    executing
//	                                                     │     │
//	                                                   done  failed ─retry─▶ executing
//
// Cancel ("cancel", "/cancel", "取消") moves any state to cancelled, which
// behaves like idle. A conversation untouched for longer than the engine's
// expiry starts again from idle.
//
// Intents are declared as data (see Intents): the Odoo model, the slots to
// fill, how each slot is parsed and which Odoo field it goes to. Free text
// is interpreted by an Understander (rules, or an LLM with the rules as a
// fallback); its proposals are untrusted and pass through the same slot
// parsers as anything the user types.
//
// Buttons carry short random tokens that name the conversation and the
// preview version. A click on an old preview is answered, not executed.
// Confirm writes an outbox entry in the same transaction that moves the
// state to executing, so a double click or a redelivered event executes
// once, and an action interrupted by a crash is finished by Recover after
// checking whether Odoo already has the record.
package conversation
