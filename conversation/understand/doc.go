// Package understand turns a chat message into a conversation.Understanding:
// an intent and the raw slot values the user wrote.
//
// Rules reads English and Simplified Chinese with keyword rules and no
// network. LLM sends the message to an OpenAI-compatible chat completions
// service with one tool per intent, and falls back to Rules whenever the
// service fails. Values are always raw text. The engine validates each one
// with package slot before anything is written to Odoo.
package understand
