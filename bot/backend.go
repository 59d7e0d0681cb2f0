package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/crmbot/crmbot/conversation"
	"github.com/crmbot/crmbot/odoo"
)

// OdooBackend writes confirmed actions to Odoo through one client. It
// turns Odoo errors into conversation.BackendError values whose messages
// are safe to show in a chat.
type OdooBackend struct {
	Client *odoo.Client
	// Logger receives each failed call, with Odoo's traceback at debug
	// level. Nil discards them.
	Logger *slog.Logger
}

// fail logs err and classifies it for the engine.
func (b OdooBackend) fail(model, op string, err error) error {
	if err == nil {
		return nil
	}
	if b.Logger != nil {
		b.Logger.Warn("odoo call failed", "model", model, "op", op, "error", err)
		var oe *odoo.Error
		if errors.As(err, &oe) && oe.Debug != "" {
			b.Logger.Debug("odoo traceback", "model", model, "op", op, "traceback", oe.Debug)
		}
	}
	return classify(err)
}

// Create writes one record and returns its id.
func (b OdooBackend) Create(ctx context.Context, model string, vals map[string]any) (int64, error) {
	id, err := b.Client.Create(ctx, model, vals)
	return id, b.fail(model, "create", err)
}

// FindPartners returns partners whose name contains name, companies first.
func (b OdooBackend) FindPartners(ctx context.Context, name string, limit int) ([]conversation.Ref, error) {
	rows, err := b.Client.SearchRead(ctx, "res.partner",
		[]any{[]any{"name", "ilike", name}},
		[]string{"name", "display_name", "email", "phone", "city", "is_company"},
		odoo.SearchOptions{Limit: limit, Order: "is_company desc, id desc"})
	if err != nil {
		return nil, b.fail("res.partner", "find partners", err)
	}
	refs := make([]conversation.Ref, 0, len(rows))
	for _, r := range rows {
		refs = append(refs, partnerRef(r))
	}
	return refs, nil
}

// partnerRef names a partner with the first contact detail it has, so
// similar names can be distinguished. Odoo's false never reaches the text.
func partnerRef(r odoo.Record) conversation.Ref {
	name := r.String("display_name")
	if name == "" {
		name = r.String("name")
	}
	var detail string
	for _, f := range []string{"email", "phone", "city"} {
		if v := strings.TrimSpace(r.String(f)); v != "" {
			detail = v
			break
		}
	}
	return conversation.Ref{ID: r.ID(), Name: name, Detail: detail}
}

// FindRecord returns the newest record whose fields equal match.
func (b OdooBackend) FindRecord(ctx context.Context, model string, match map[string]any) (int64, bool, error) {
	domain := make([]any, 0, len(match))
	for field, v := range match {
		domain = append(domain, []any{field, "=", v})
	}
	rows, err := b.Client.SearchRead(ctx, model, domain, []string{"id"},
		odoo.SearchOptions{Limit: 1, Order: "id desc"})
	if err != nil {
		return 0, false, b.fail(model, "find record", err)
	}
	if len(rows) == 0 {
		return 0, false, nil
	}
	return rows[0].ID(), true, nil
}

// RecordURL returns the link that opens the record in Odoo's web client.
func (b OdooBackend) RecordURL(model string, id int64) string {
	return b.Client.RecordURL(model, id)
}

// classify maps an Odoo error to what the user can do about it.
func classify(err error) error {
	if err == nil {
		return nil
	}
	be := &conversation.BackendError{Kind: conversation.Unavailable, Err: err}
	var msg string
	var oe *odoo.Error
	if errors.As(err, &oe) {
		msg = oe.UserMessage()
	}
	switch {
	case odoo.IsOutcomeUnknown(err):
		be.Kind = conversation.OutcomeUnknown
	case odoo.IsInvalidKey(err):
		be.Kind = conversation.Misconfigured
		msg = "Odoo rejected the bot's API key; ask your administrator to renew it"
	case odoo.IsDatabaseNotFound(err):
		be.Kind = conversation.Misconfigured
	case odoo.IsTransient(err):
		be.Kind = conversation.Unavailable
	case odoo.IsAccessDenied(err), odoo.IsValidation(err), odoo.IsMissing(err), odoo.IsNotFound(err):
		be.Kind = conversation.Rejected
	case oe != nil && oe.Status >= 400 && oe.Status < 500,
		oe != nil && oe.Status == 500 && oe.Name != "":
		// A 500 that carries an Odoo exception is Odoo's answer, not an
		// outage: retrying the same values fails the same way.
		be.Kind = conversation.Rejected
	}
	be.Message = msg
	return be
}
