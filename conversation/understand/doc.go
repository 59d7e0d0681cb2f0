// Package understand turns a chat message into a conversation.Understanding:
// an intent and the raw slot values the user wrote.
//
// Rules reads English and Simplified Chinese with keyword rules and no
// network. It reads a message in one of three ways: as a request that
// names an intent, as a reply to the pending question, or, while a draft
// is confirmed, as a correction of labelled values ("phone +1 415 555
// 0111"). IsConfirmation lists the words that accept an offer ("yes",
// "create it", "好的"). Rules never stores them as values. LLM sends the message to an OpenAI-compatible chat completions
// service with one tool per intent, and falls back to Rules whenever the
// service fails. Values are always raw text. The engine validates each one
// with package slot before anything is written to Odoo.
package understand
