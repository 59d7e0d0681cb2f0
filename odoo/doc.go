// Package odoo is a client for the JSON-2 API of Odoo 19
// (POST /json/2/<model>/<method>).
//
// A [Client] sends each call as one JSON object of named arguments with the
// API key as a bearer token, and the X-Odoo-Database header when
// [Config.Database] is set. Odoo runs every call in its own database
// transaction, so calls cannot be grouped.
//
// # Values
//
// Odoo sends false for every empty value, whatever the field type, and a
// many2one as [id, "display name"]. [Record] reads fields with that in
// mind: [Record.String] returns "" for false, [Record.Many2One] reports
// ok=false. [Many2One] and [Text] do the same for typed results.
//
// # Errors
//
// Every failure is an [*Error] carrying the model, the method, the HTTP
// status and Odoo's exception name and message. Helpers such as
// [IsAccessDenied], [IsValidation] and [IsTransient] classify it.
// [Error.UserMessage] returns text that is safe to show a user, and
// [Error.Error] never includes the server traceback.
//
// # Retries
//
// Transient failures (connection refused or reset, timeouts, HTTP 409,
// 502, 503, 504) are retried up to three tries in all, with backoff, but
// only for methods that are safe to repeat (reads, searches and write).
// Any other method, create above all, is resent only when the request
// surely never reached the server (the connection was refused). When a
// create may have been applied, the error satisfies [IsOutcomeUnknown] so
// the caller can search for the record before trying again.
package odoo
