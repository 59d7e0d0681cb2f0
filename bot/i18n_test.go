package bot

import (
	"regexp"
	"slices"
	"testing"

	"github.com/crmbot/crmbot/conversation"
)

var placeholder = regexp.MustCompile(`%\[\d\]s`)

func TestCatalogLanguagesMatch(t *testing.T) {
	for key, en := range catalog["en"] {
		zh, ok := catalog["zh"][key]
		if !ok {
			t.Errorf("zh catalog lacks %q", key)
			continue
		}
		enArgs := placeholder.FindAllString(en, -1)
		zhArgs := placeholder.FindAllString(zh, -1)
		slices.Sort(enArgs)
		slices.Sort(zhArgs)
		if !slices.Equal(slices.Compact(enArgs), slices.Compact(zhArgs)) {
			t.Errorf("%q: en uses %v, zh uses %v", key, enArgs, zhArgs)
		}
	}
	for key := range catalog["zh"] {
		if _, ok := catalog["en"][key]; !ok {
			t.Errorf("en catalog lacks %q", key)
		}
	}
}

func TestCatalogCoversEngine(t *testing.T) {
	keys := []string{
		conversation.MsgHelp, conversation.MsgNotUnderstood, conversation.MsgAskOptional,
		conversation.MsgPreview, conversation.MsgChoose, conversation.MsgChooseMore, conversation.MsgDuplicate, conversation.MsgNoMatch,
		conversation.MsgEditWhich, conversation.MsgCancelled, conversation.MsgNothingToCancel,
		conversation.MsgDone, conversation.MsgAlreadyDone, conversation.MsgFailed,
		conversation.MsgUnavailable, conversation.MsgOutcomeUnknown, conversation.MsgExecuting,
		conversation.MsgExpired, conversation.MsgNotOwner, conversation.MsgResumed,
		conversation.MsgSwitched, conversation.MsgTimedOut, conversation.MsgRephrase,
		conversation.MsgInternalError, conversation.MsgLookupFailed, conversation.MsgMisconfigured, conversation.MsgPartnerCreatedTo,
	}
	for _, b := range []string{
		conversation.BtnConfirm, conversation.BtnEdit, conversation.BtnCancel, conversation.BtnRetry,
		conversation.BtnChoose, conversation.BtnCreatePartner, conversation.BtnEditSlot, conversation.BtnSkip, conversation.BtnBack,
	} {
		keys = append(keys, "btn."+b)
	}
	for _, kind := range []string{"phone", "email", "amount", "date", "text", "partner"} {
		keys = append(keys, "invalid."+kind)
	}
	for _, in := range conversation.Intents() {
		keys = append(keys, "intent."+in.Name)
		for _, s := range in.Slots {
			keys = append(keys, "ask."+in.Name+"."+s.Name, "slot."+s.Name)
		}
	}
	for _, key := range keys {
		if _, ok := catalog["en"][key]; !ok {
			t.Errorf("catalog lacks %q", key)
		}
	}
}

func TestRenderNeverShowsKeys(t *testing.T) {
	out := conversation.Output{Lang: "zh", Messages: []conversation.Message{{
		Key:  conversation.MsgPreview,
		Args: []string{conversation.IntentCreateCustomer},
		Fields: []conversation.Field{
			{Slot: conversation.SlotName, Value: "星河科技"},
			{Slot: conversation.SlotEmail, Empty: true},
			{Slot: conversation.SlotContact, Empty: true},
		},
		Buttons: []conversation.Button{{Key: conversation.BtnEditSlot, Arg: conversation.SlotPhone, Token: "t"}},
	}}}
	r := render(out)[0]
	if r.Text != "请确认新客户：" {
		t.Errorf("text = %q, want 请确认新客户：", r.Text)
	}
	want := []Field{{"名称", "星河科技"}, {"邮箱", "无邮箱"}, {"联系人", "无"}}
	if !slices.Equal(r.Fields, want) {
		t.Errorf("fields = %v, want %v", r.Fields, want)
	}
	if r.Buttons[0].Label != "电话" {
		t.Errorf("edit button label = %q, want 电话", r.Buttons[0].Label)
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Text: "新客户 星河科技"}, "zh"},
		{Event{Text: "新客户 Acme Robotics"}, "zh"},
		{Event{Text: "new opportunity for 王芳"}, "en"},
		{Event{Text: "new customer"}, "en"},
		{Event{Text: "Acme", Locale: "zh-hans"}, "zh"},
		{Event{Text: "new customer", Locale: "zh-CN"}, "zh"},
		{Event{Text: "新客户 Acme", Locale: "en-US"}, "zh"},
		{Event{Text: "new opportunity for 王芳", Locale: "en-US"}, "en"},
		{Event{Text: "+86 138 0013 8000"}, ""},
		{Event{Text: "+86 138 0013 8000", Locale: "zh-CN"}, "zh"},
		{Event{Action: "tok", Locale: "en"}, ""},
	}
	for _, tt := range tests {
		if got := language(tt.ev); got != tt.want {
			t.Errorf("language(%+v) = %q, want %q", tt.ev, got, tt.want)
		}
	}
}
