package odoo

import (
	"context"
	"slices"
	"testing"
	"time"
)

// readOne reads fields of one record, archived or not, and fails the test
// when it is not found.
func readOne(t *testing.T, c *Client, model string, id int64,
	fields []string) Record {
	t.Helper()
	rows, err := c.SearchRead(context.Background(), model,
		[]any{[]any{"id", "=", id}}, fields,
		SearchOptions{Context: map[string]any{"active_test": false}})
	if err != nil {
		t.Fatalf("read %s %d: %v", model, id, err)
	}
	if len(rows) != 1 {
		t.Fatalf("read %s %d: got %d rows, want 1", model, id, len(rows))
	}
	return rows[0]
}

func TestCRUDBothTransports(t *testing.T) {
	ctx := context.Background()
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			sim := startSim(t)
			c := sim.admin(t, transport)

			ids, err := c.CreateMany(ctx, "res.partner", []map[string]any{
				{"name": "Globex", "is_company": true},
				{"name": "Initech", "is_company": true},
			})
			if err != nil {
				t.Fatalf("CreateMany: %v", err)
			}
			if len(ids) != 2 || ids[0] == ids[1] {
				t.Fatalf("CreateMany ids: got %v, want two distinct ids",
					ids)
			}
			contactID, err := c.Create(ctx, "res.partner", map[string]any{
				"name": "Hank Scorpio", "parent_id": ids[0]})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}

			rows, err := c.Read(ctx, "res.partner", []int64{contactID},
				[]string{"display_name", "parent_id"})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(rows) != 1 {
				t.Fatalf("Read rows: got %d, want 1", len(rows))
			}
			if got, want := rows[0].String("display_name"),
				"Globex, Hank Scorpio"; got != want {
				t.Errorf("display_name: got %q, want %q", got, want)
			}
			if got := rows[0].Int("parent_id"); got != ids[0] {
				t.Errorf("parent_id: got %d, want %d", got, ids[0])
			}

			found, err := c.SearchRead(ctx, "res.partner",
				[]any{[]any{"is_company", "=", true},
					[]any{"id", "in", ids}},
				[]string{"name"}, SearchOptions{Limit: 1, Offset: 1,
					Order: "name desc"})
			if err != nil {
				t.Fatalf("SearchRead: %v", err)
			}
			if len(found) != 1 || found[0].String("name") != "Globex" {
				t.Errorf("SearchRead: got %v, want only Globex", found)
			}

			count, err := c.SearchCount(ctx, "res.partner",
				[]any{[]any{"parent_id", "=", ids[0]}})
			if err != nil {
				t.Fatalf("SearchCount: %v", err)
			}
			if count != 1 {
				t.Errorf("SearchCount: got %d, want 1", count)
			}

			matches, err := c.NameSearch(ctx, "res.partner", "scorpio",
				[]any{[]any{"parent_id", "!=", false}}, 5)
			if err != nil {
				t.Fatalf("NameSearch: %v", err)
			}
			want := []NameResult{{contactID, "Globex, Hank Scorpio"}}
			if !slices.Equal(matches, want) {
				t.Errorf("NameSearch: got %v, want %v", matches, want)
			}

			if err := c.Write(ctx, "res.partner", []int64{contactID},
				map[string]any{"function": "CEO"}); err != nil {
				t.Fatalf("Write: %v", err)
			}
			row := readOne(t, c, "res.partner", contactID,
				[]string{"function"})
			if got := row.String("function"); got != "CEO" {
				t.Errorf("function after Write: got %q, want %q", got, "CEO")
			}

			if err := c.Unlink(ctx, "res.partner",
				[]int64{contactID}); err != nil {
				t.Fatalf("Unlink: %v", err)
			}
			rows, err = c.Read(ctx, "res.partner", []int64{contactID}, nil)
			if err != nil {
				t.Fatalf("Read after Unlink: %v", err)
			}
			if len(rows) != 0 {
				t.Errorf("Read after Unlink: got %d rows, want 0", len(rows))
			}

			userContext, err := c.ContextGet(ctx)
			if err != nil {
				t.Fatalf("ContextGet: %v", err)
			}
			if got := Record(userContext).Int("uid"); got != 2 {
				t.Errorf("ContextGet uid: got %d, want 2", got)
			}
		})
	}
}

func TestCreateManyEmpty(t *testing.T) {
	sim := startSim(t)
	c := sim.client(t, sim.AdminKey())
	before := sim.Calls()
	ids, err := c.CreateMany(context.Background(), "res.partner", nil)
	if err != nil {
		t.Fatalf("CreateMany(nil): %v", err)
	}
	if ids != nil {
		t.Errorf("ids: got %v, want nil", ids)
	}
	if got := sim.Calls() - before; got != 0 {
		t.Errorf("calls: got %d, want 0", got)
	}
}

func TestFieldsGetBothTransports(t *testing.T) {
	ctx := context.Background()
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			sim := startSim(t)
			c := sim.admin(t, transport)
			fields, err := c.FieldsGet(ctx, "crm.lead", []string{"string",
				"type", "required", "readonly", "relation", "selection"})
			if err != nil {
				t.Fatalf("FieldsGet: %v", err)
			}

			name, ok := fields["name"]
			if !ok {
				t.Fatalf("fields: got no name field")
			}
			if name.Type != "char" || !name.Required {
				t.Errorf("name: got %+v, want a required char", name)
			}
			partner := fields["partner_id"]
			if partner.Type != "many2one" ||
				partner.Relation != "res.partner" {
				t.Errorf("partner_id: got %+v, want a many2one to "+
					"res.partner", partner)
			}
			if fields["won_status"].Readonly != true {
				t.Errorf("won_status readonly: got false, want true")
			}
			leadType := fields["type"]
			wantOptions := [][2]string{{"lead", "Lead"},
				{"opportunity", "Opportunity"}}
			if !slices.Equal(leadType.Selection, wantOptions) {
				t.Errorf("type selection: got %v, want %v",
					leadType.Selection, wantOptions)
			}
			if _, ok := fields["mobile"]; ok {
				t.Errorf("fields: got mobile, want none (removed in 19.0)")
			}

			typesOnly, err := c.FieldsGet(ctx, "crm.lead",
				[]string{"type"})
			if err != nil {
				t.Fatalf("FieldsGet type only: %v", err)
			}
			if got := typesOnly["partner_id"]; got.Type != "many2one" ||
				got.Relation != "" || got.String != "" {
				t.Errorf("partner_id with attributes [type]: got %+v, "+
					"want only the type", got)
			}
		})
	}
}

func TestLeadActionsBothTransports(t *testing.T) {
	ctx := context.Background()
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			sim := startSim(t)
			c := sim.admin(t, transport)
			fields := []string{"active", "probability", "stage_id",
				"lost_reason_id", "won_status"}

			lostID, err := c.Create(ctx, "crm.lead", map[string]any{
				"name": "Fleet deal", "type": "opportunity",
				"partner_id": 10})
			if err != nil {
				t.Fatalf("create lead: %v", err)
			}
			if err := c.SetLost(ctx, lostID, 1); err != nil {
				t.Fatalf("SetLost: %v", err)
			}
			lost := readOne(t, c, "crm.lead", lostID, fields)
			if lost.Bool("active") {
				t.Errorf("active after SetLost: got true, want false")
			}
			if got := lost.Int("lost_reason_id"); got != 1 {
				t.Errorf("lost_reason_id: got %d, want 1", got)
			}
			if got := lost.String("won_status"); got != "lost" {
				t.Errorf("won_status after SetLost: got %q, want %q", got,
					"lost")
			}

			if err := c.Restore(ctx, lostID); err != nil {
				t.Fatalf("Restore: %v", err)
			}
			restored := readOne(t, c, "crm.lead", lostID, fields)
			if !restored.Bool("active") {
				t.Errorf("active after Restore: got false, want true")
			}
			if got := restored.Int("lost_reason_id"); got != 0 {
				t.Errorf("lost_reason_id after Restore: got %d, want 0", got)
			}

			if err := c.SetWon(ctx, lostID); err != nil {
				t.Fatalf("SetWon: %v", err)
			}
			won := readOne(t, c, "crm.lead", lostID, fields)
			if _, stage, _ := won.Many2One("stage_id"); stage != "Won" {
				t.Errorf("stage after SetWon: got %q, want %q", stage, "Won")
			}
			if got := won.Float("probability"); got != 100 {
				t.Errorf("probability after SetWon: got %v, want 100", got)
			}

			err = c.SetLost(ctx, lostID, 1)
			if !IsValidation(err) {
				t.Errorf("SetLost on a won lead: got %v, want a "+
					"validation error", err)
			}
			if IsOutcomeUnknown(err) {
				t.Errorf("SetLost on a won lead: got outcome unknown, " +
					"want known")
			}

			noReasonID, err := c.Create(ctx, "crm.lead", map[string]any{
				"name": "No reason", "type": "lead"})
			if err != nil {
				t.Fatalf("create second lead: %v", err)
			}
			if err := c.SetLost(ctx, noReasonID, 0); err != nil {
				t.Fatalf("SetLost without reason: %v", err)
			}
			noReason := readOne(t, c, "crm.lead", noReasonID, fields)
			if noReason.Bool("active") {
				t.Errorf("active after SetLost without reason: got true, " +
					"want false")
			}
			if got := noReason.Int("lost_reason_id"); got != 0 {
				t.Errorf("lost_reason_id without reason: got %d, want 0",
					got)
			}
		})
	}
}

func TestActivityAndNoteBothTransports(t *testing.T) {
	ctx := context.Background()
	tokyo := mustLoadLocation(t, "Asia/Tokyo")
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			sim := startSim(t)
			c := sim.admin(t, transport)

			// 08:00 in Tokyo is the day before in UTC: the deadline must
			// keep the Tokyo date.
			deadline := time.Date(2026, 12, 5, 8, 0, 0, 0, tokyo)
			activityID, err := c.ScheduleActivity(ctx, "crm.lead", 3,
				Activity{TypeXMLID: "mail.mail_activity_data_call",
					Deadline: deadline, Summary: "Call back",
					Note: "<p>About delivery</p>", UserID: 7})
			if err != nil {
				t.Fatalf("ScheduleActivity: %v", err)
			}
			activity := readOne(t, c, "mail.activity", activityID,
				[]string{"res_model", "res_id", "activity_type_id",
					"date_deadline", "summary", "note", "user_id"})
			checks := []struct{ field, got, want string }{
				{"res_model", activity.String("res_model"), "crm.lead"},
				{"date_deadline", activity.String("date_deadline"),
					"2026-12-05"},
				{"summary", activity.String("summary"), "Call back"},
				{"note", activity.String("note"), "<p>About delivery</p>"},
			}
			for _, check := range checks {
				if check.got != check.want {
					t.Errorf("%s: got %q, want %q", check.field, check.got,
						check.want)
				}
			}
			if got := activity.Int("res_id"); got != 3 {
				t.Errorf("res_id: got %d, want 3", got)
			}
			if _, name, _ := activity.Many2One("activity_type_id"); name !=
				"Call" {
				t.Errorf("activity type: got %q, want %q", name, "Call")
			}
			if got := activity.Int("user_id"); got != 7 {
				t.Errorf("user_id: got %d, want 7", got)
			}
			wantDay := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
			if got := activity.Date("date_deadline"); !got.Equal(wantDay) {
				t.Errorf("Date(date_deadline): got %v, want %v", got,
					wantDay)
			}

			messageID, err := c.PostNote(ctx, "crm.lead", 3,
				"Customer asked for a discount")
			if err != nil {
				t.Fatalf("PostNote: %v", err)
			}
			message := readOne(t, c, "mail.message", messageID,
				[]string{"model", "res_id", "body", "message_type",
					"subtype_id"})
			if got := message.String("model"); got != "crm.lead" {
				t.Errorf("message model: got %q, want %q", got, "crm.lead")
			}
			if got := message.Int("res_id"); got != 3 {
				t.Errorf("message res_id: got %d, want 3", got)
			}
			if got := message.String("message_type"); got != "comment" {
				t.Errorf("message_type: got %q, want %q", got, "comment")
			}
			if _, name, _ := message.Many2One("subtype_id"); name != "Note" {
				t.Errorf("subtype: got %q, want %q", name, "Note")
			}
		})
	}
}

func TestActivityScheduleSendsOnlySetFields(t *testing.T) {
	sim := startSim(t)
	c := sim.client(t, sim.AdminKey())
	id, err := c.ScheduleActivity(context.Background(), "res.partner", 10,
		Activity{Summary: "Follow up"})
	if err != nil {
		t.Fatalf("ScheduleActivity: %v", err)
	}
	activity := readOne(t, c, "mail.activity", id,
		[]string{"activity_type_id", "user_id", "date_deadline"})
	if _, name, _ := activity.Many2One("activity_type_id"); name == "" {
		t.Errorf("activity type: got none, want Odoo's default")
	}
	if got := activity.Int("user_id"); got != 2 {
		t.Errorf("user_id: got %d, want the caller 2", got)
	}
	if activity.Date("date_deadline").IsZero() {
		t.Errorf("date_deadline: got none, want Odoo's default")
	}
}
