// Package odoo is a client for Odoo 19 and older Odoo servers, over the
// JSON-2 API of Odoo 19 or the legacy JSON-RPC API.
//
// # Transports
//
// [Config.Transport] selects the API, and every method of [Client] works
// the same on both:
//
//   - "json2" (the default): POST /json/2/<model>/<method> with one JSON
//     object of named arguments, the API key as a bearer token, and the
//     X-Odoo-Database header when [Config.Database] is set.
//   - "jsonrpc": POST /jsonrpc, which Odoo 19 deprecates but Odoo 16 to
//     18 only have. The client calls common.login(db, login, key) once to
//     get the user id, then object.execute_kw(db, uid, key, model, method,
//     args, kwargs) for each call, with the named arguments split into
//     args and kwargs. It needs [Config.Login] and [Config.Database].
//   - "auto": the first call reads the server version (GET /json/version,
//     or else the JSON-RPC common.version) and uses json2 for Odoo 19 and
//     later, jsonrpc before. [Client.Transport] reports the choice.
//
// Odoo runs every call in its own database transaction, so calls cannot
// be grouped.
//
// # Values
//
// Odoo sends false for every empty value, whatever the field type, and a
// many2one as [id, "display name"]. [Record] reads fields with that in
// mind: [Record.String] returns "" for false, [Record.Many2One] reports
// ok=false, [Record.Time] and [Record.Date] return the zero time.
// [Many2One] and [Text] do the same for typed results.
//
// Dates travel as "YYYY-MM-DD" and datetimes as "YYYY-MM-DD HH:MM:SS" in
// UTC. Build them with [FormatDate] and [FormatDatetime] and read them
// with [ParseDate] and [ParseDatetime]. Odoo 19 rejects a datetime with
// a "T" separator with HTTP 500, so [Client.Call] rejects one before
// sending it.
//
// # Errors
//
// Every failure is an [*Error] carrying the model, the method, the HTTP
// status and Odoo's exception name and message. Helpers such as
// [IsAccessDenied], [IsValidation], [IsInvalidKey] and [IsTransient]
// classify it, with the same answer on both transports, although JSON-RPC
// sends every Odoo error with HTTP 200. [Error.UserMessage] returns text
// that is safe to show a user, and [Error.Error] never includes the server
// traceback.
//
// # Retries
//
// Transient failures (connection refused or reset, timeouts, HTTP 409,
// 502, 503, 504, a database serialization failure) are retried up to
// three tries in all, with backoff, but only for methods that are safe to
// repeat (reads, searches and write). Any other method, create above all,
// is resent only when the request surely never reached the server (the
// connection was refused). When a create may have been applied, the error
// satisfies [IsOutcomeUnknown] so the caller can search for the record
// before trying again. The JSON-RPC login is always safe to repeat.
package odoo
