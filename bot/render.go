package bot

import "github.com/crmbot/crmbot/conversation"

// render turns engine messages into platform-neutral replies in out.Lang.
func render(out conversation.Output) []Reply {
	lang := out.Lang
	if _, ok := catalog[lang]; !ok {
		lang = "en"
	}
	replies := make([]Reply, 0, len(out.Messages))
	for _, m := range out.Messages {
		r := Reply{Text: messageText(lang, m), ReplaceSource: m.ReplaceSource}
		for _, f := range m.Fields {
			r.Fields = append(r.Fields, Field{Label: text(lang, "slot."+f.Slot), Value: fieldValue(lang, f)})
		}
		for _, b := range m.Buttons {
			arg := b.Arg
			if b.Key == conversation.BtnEditSlot {
				arg = text(lang, "slot."+arg)
			}
			r.Buttons = append(r.Buttons, Button{Label: text(lang, "btn."+b.Key, arg), Token: b.Token})
		}
		if m.Record != nil {
			r.Record = &Record{Model: m.Record.Model, ID: m.Record.ID, URL: m.Record.URL}
		}
		replies = append(replies, r)
	}
	return replies
}

func messageText(lang string, m conversation.Message) string {
	switch m.Key {
	case conversation.MsgAsk:
		return question(lang, m.Args)
	case conversation.MsgAskOptional:
		return text(lang, m.Key, question(lang, m.Args))
	case conversation.MsgInvalid:
		return text(lang, "invalid."+arg(m.Args, 0), m.Args...)
	}
	args := make([]string, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
		if label, ok := catalog[lang]["intent."+a]; ok {
			args[i] = label
		}
	}
	// Name the draft after its intent: "customer “Omega”".
	switch m.Key {
	case conversation.MsgCancelled, conversation.MsgResumed:
		args[0] = named(lang, args[0], arg(m.Args, 1))
	case conversation.MsgSwitched:
		args[0] = named(lang, args[0], arg(m.Args, 2))
	}
	return text(lang, m.Key, args...)
}

// named joins an intent's label and a draft's name.
func named(lang, intent, name string) string {
	switch {
	case name == "":
		return intent
	case lang == "zh":
		return intent + "“" + name + "”"
	}
	return intent + " “" + name + "”"
}

// question returns the question for args [intent, slot].
func question(lang string, args []string) string {
	return text(lang, "ask."+arg(args, 0)+"."+arg(args, 1))
}

func fieldValue(lang string, f conversation.Field) string {
	if !f.Empty {
		return f.Value
	}
	if v, ok := catalog[lang]["empty."+f.Slot]; ok {
		return v
	}
	return text(lang, "empty")
}

func arg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}
