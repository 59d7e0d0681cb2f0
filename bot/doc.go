// Package bot connects chat connectors to the conversation engine.
//
// Connectors in adapters/ turn platform updates into Events and call a
// Handler; Service is that Handler. It names the conversation of each user
// in each chat, picks the reply language (English or Simplified Chinese)
// and renders the engine's messages from the catalog in i18n.go, so chat
// text never comes from raw error strings. OdooBackend is the engine's
// Backend on the Odoo client; it turns Odoo errors into messages that are
// safe to show in a chat.
//
// Edited messages get a note and no action: an edit may be of any earlier
// message, and acting on it could repeat a confirmed action or answer a
// question that was asked later.
package bot
