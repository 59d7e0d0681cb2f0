package console

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot"
)

// recorder replies with Confirm/Cancel buttons to text and records events.
type recorder struct{ events []bot.Event }

func (r *recorder) Handle(_ context.Context, ev bot.Event) []bot.Reply {
	r.events = append(r.events, ev)
	if ev.Action != "" {
		return []bot.Reply{{Text: "clicked " + ev.Action, ReplaceSource: true,
			Record: &bot.Record{Model: "res.partner", ID: 7, URL: "http://127.0.0.1/odoo/res.partner/7"}}}
	}
	return []bot.Reply{{
		Text:    "preview of " + ev.Text,
		Fields:  []bot.Field{{Label: "Name", Value: ev.Text}},
		Buttons: []bot.Button{{Label: "Confirm", Token: "tok-confirm"}, {Label: "Cancel", Token: "tok-cancel"}},
	}}
}

func runLines(t *testing.T, jsonOut bool, input string) (*recorder, string) {
	t.Helper()
	rec := &recorder{}
	var out bytes.Buffer
	a := New(Config{In: strings.NewReader(input), Out: &out, JSON: jsonOut}, rec, nil)
	if err := a.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rec, out.String()
}

func TestConsoleClickByLabelAndNumber(t *testing.T) {
	rec, _ := runLines(t, true, "Acme\nconfirm\nAcme\n/click 2\n")
	var actions []string
	for _, ev := range rec.events {
		actions = append(actions, ev.Action)
	}
	if got := strings.Join(actions, ","); got != ",tok-confirm,,tok-cancel" {
		t.Errorf("actions = %q, want a label click then a numbered click", got)
	}
	if ev := rec.events[0]; ev.Platform != "console" || ev.ChatID != "console" || ev.Text != "Acme" {
		t.Errorf("first event = %+v", ev)
	}
}

func TestConsoleJSONLines(t *testing.T) {
	_, out := runLines(t, true, "Acme\n/click 1\n")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("output lines = %d, want 2:\n%s", len(lines), out)
	}
	var preview, done JSONReply
	if err := json.Unmarshal([]byte(lines[0]), &preview); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &done); err != nil {
		t.Fatal(err)
	}
	if strings.Join(preview.Buttons, ",") != "Confirm,Cancel" {
		t.Errorf("buttons = %v, want Confirm, Cancel", preview.Buttons)
	}
	if done.Record == nil || done.Record.Model != "res.partner" || done.Record.ID != 7 {
		t.Errorf("record = %+v, want res.partner 7", done.Record)
	}
	if done.Buttons == nil {
		t.Error("buttons is null, want [] so scripts can index it")
	}
}

func TestConsoleBadClicks(t *testing.T) {
	rec, out := runLines(t, false, "/click 1\nAcme\n/click 3\n/click x\n\n# a comment\n")
	if len(rec.events) != 1 {
		t.Errorf("events = %d, want only the one text message", len(rec.events))
	}
	for _, want := range []string{"no buttons to click", `no button "3"`, `no button "x"`, "1 to 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
}

func TestConsoleTextLayout(t *testing.T) {
	_, out := runLines(t, false, "Acme\n/click 1\n")
	for _, want := range []string{"bot: preview of Acme", "     Name: Acme", "[1] Confirm  [2] Cancel", "http://127.0.0.1/odoo/res.partner/7"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
}

func TestConsoleClickUsesLatestAnswer(t *testing.T) {
	rec := &recorder{}
	h := bot.HandlerFunc(func(ctx context.Context, ev bot.Event) []bot.Reply {
		if ev.Text == "question" {
			rec.events = append(rec.events, ev)
			return []bot.Reply{{Text: "a question without buttons"}}
		}
		return rec.Handle(ctx, ev)
	})
	var out bytes.Buffer
	a := New(Config{In: strings.NewReader("Acme\nquestion\n/click 1\n/click\n"), Out: &out}, h, nil)
	if err := a.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.events) != 2 {
		t.Errorf("events = %d, want 2: a click on an older answer's button must not be sent", len(rec.events))
	}
	if !strings.Contains(out.String(), "no buttons to click") {
		t.Errorf("output does not explain the missing buttons:\n%s", out.String())
	}
}

func TestConsoleLongLineSkipped(t *testing.T) {
	long := "new customer " + strings.Repeat("A", maxLine+10)
	rec, out := runLines(t, false, long+"\nAcme\n")
	if len(rec.events) != 1 || rec.events[0].Text != "Acme" {
		t.Errorf("events = %d, want only the line after the long one", len(rec.events))
	}
	if !strings.Contains(out, "over 64 KiB and was skipped") {
		t.Errorf("output does not report the long line:\n%.300s", out)
	}
}

func TestConsoleLastLineWithoutNewline(t *testing.T) {
	rec, _ := runLines(t, false, "Acme")
	if len(rec.events) != 1 || rec.events[0].Text != "Acme" {
		t.Errorf("events = %+v, want the unterminated last line", rec.events)
	}
}
