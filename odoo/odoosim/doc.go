// Package odoosim is an in-memory Odoo 19 server for tests and the demo
// command. It speaks JSON-2 (POST /json/2/<model>/<method>) and responds
// like a real 19.0 server: the same status codes, headers and error bodies
// {name, message, arguments, context, debug}, false for empty values and
// many2one values as [id, "display name"]. A contract test replays
// exchanges captured from a real 19.0 server against it. With
// CRMBOT_TEST_ODOO_URL, CRMBOT_TEST_ODOO_DB and CRMBOT_TEST_ODOO_KEY (an
// administrator's API key) set, it also replays the captures that only
// read and name no record id against that real server, to check that the
// captures still describe it.
//
// # Data
//
// The models are res.partner, res.users, res.groups, res.company,
// res.currency, crm.lead, crm.stage, crm.tag, crm.lost.reason, crm.team,
// ir.model, ir.module.module, mail.activity, mail.activity.type,
// mail.message, mail.message.subtype and calendar.event. The fields of
// res.partner and crm.lead are those of a real server. New seeds two
// users with their groups: "Mitchell Admin" (uid 2, every right) and
// "Sales One" (uid 7, who can read only their own and unassigned leads and
// cannot change stages). It also seeds the "Sales" team, the stages New,
// Qualified, Proposition and Won, three lost reasons, three tags and a
// few contacts and leads.
//
// ir.module.module lists base, mail, contacts, calendar, sales_team and
// crm as installed, sale_management and project as not installed, and no
// helpdesk. SetModuleState changes a module's state, and the models of an
// uninstalled module then answer as missing ones.
//
// # Behaviour
//
// Supported methods: create, read, write, unlink, search, search_read,
// search_count, name_search, name_create, fields_get,
// check_access_rights, res.users context_get, crm.lead action_set_won, action_set_lost, action_restore,
// message_post and activity_schedule on leads and contacts, and
// mail.activity action_feedback. Domains take the usual operators, dotted
// paths through relational fields and the "&", "|", "!" prefix operators.
// Archived records are hidden from searches unless the context sets
// active_test to false. Each call runs as one transaction: a failing call
// changes nothing.
//
// # Faults
//
// Tests can queue Odoo and proxy errors with InjectError, delay every
// request with SetLatency, close the connection before a call runs with
// DropNext or after it ran with LoseNextResponse, and count requests with
// Calls, for example to check that a create was sent once. Snapshot and
// Restore undo the changes of a test or a benchmark.
//
// Not simulated: browser sessions, XML-RPC, access rights beyond the two
// user profiles, multi-company rules, and Odoo's predictive lead scoring
// (a new lead gets probability 10).
package odoosim
