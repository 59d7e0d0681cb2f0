package understand

import (
	"context"
	"regexp"
	"strings"

	"github.com/crmbot/crmbot/conversation"
)

// Rules is a conversation.Understander that uses keyword rules for English
// and Simplified Chinese. It returns raw values as the user wrote them and
// never makes up a value.
//
// The zero value is ready to use.
type Rules struct {
	// Region is the ISO 3166-1 alpha-2 code ("CN", "US") that decides
	// whether a number without a "+" country code looks like a phone
	// number. When Region is empty, any run of 7 to 15 digits counts.
	Region string
}

var _ conversation.Understander = (*Rules)(nil)

// Commands, matched against the whole message after trimming and
// lower-casing. A Telegram "/cmd@botname" matches "/cmd".
var commands = map[string]string{
	"cancel": conversation.IntentCancel, "/cancel": conversation.IntentCancel,
	"stop": conversation.IntentCancel, "abort": conversation.IntentCancel,
	"never mind": conversation.IntentCancel, "nevermind": conversation.IntentCancel,
	"forget it": conversation.IntentCancel, "取消": conversation.IntentCancel,
	"算了": conversation.IntentCancel, "不要了": conversation.IntentCancel,
	"不用了": conversation.IntentCancel,

	"help": conversation.IntentHelp, "/help": conversation.IntentHelp,
	"/start": conversation.IntentHelp, "?": conversation.IntentHelp,
	"帮助": conversation.IntentHelp, "怎么用": conversation.IntentHelp,
	"菜单": conversation.IntentHelp, "menu": conversation.IntentHelp,
}

// Intent triggers. Strong triggers name an action ("new customer",
// "新建商机"). Weak triggers only name the record ("opportunity for",
// "商机", "客户:") and are ignored while a slot is pending, so that a reply
// such as "Opportunity Partners Ltd" stays a reply.
var (
	strongCustomer = regexp.MustCompile(`\b(?:new|add|create|register)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:customer|client|company|account)\b|(?:新建|新增|创建|添加|录入|建|加|新)(?:一个|个)?(?:新的?)?(?:客户|公司)`)
	weakCustomer   = regexp.MustCompile(`\b(?:customer|client)\s*:|客户\s*[:：]`)
	strongDeal     = regexp.MustCompile(`\b(?:new|add|create|log|open)\s+(?:a\s+|an\s+)?(?:new\s+)?(?:sales\s+)?(?:opportunity|oppty|opp|deal)\b|(?:新建|新增|创建|添加|录入|建|加|开|新)(?:一个|个)?(?:新的?)?(?:销售)?(?:商机|机会)`)
	weakDeal       = regexp.MustCompile(`\bopportunity\b|\bdeal\s+(?:for|with)\b|商机|机会`)
)

// trigger is the position of an intent phrase in the normalized text.
type trigger struct {
	intent     string
	start, end int
}

// Understand returns the command, intent and raw slot values in req.Text.
//
// A reply to a pending slot with no strong intent trigger becomes the
// pending slot's value, plus any labelled values ("Acme, phone 138..."). A
// bare confirmation (see IsConfirmation) while a slot is pending returns
// an empty Understanding, because it accepts an offer and is not a value.
// "create <name>" while a partner slot is pending asks to create that
// customer, and returns IntentCreateCustomer with the name.
//
// With req.Intent set and nothing pending, the draft is being confirmed:
// labelled values ("phone +1 415 555 0111", "the amount is 60k") and a
// message that is one detected value return Values with no intent. Text
// with no intent and nothing to fill returns an empty Understanding. The
// error is always nil.
func (r *Rules) Understand(_ context.Context, req conversation.UnderstandRequest) (conversation.Understanding, error) {
	if strings.TrimSpace(req.Text) == "" {
		return conversation.Understanding{}, nil
	}
	t := newText(req.Text)
	if command := findCommand(t.norm); command != "" {
		return conversation.Understanding{Intent: command}, nil
	}
	if req.Pending != "" && IsConfirmation(req.Text) {
		return conversation.Understanding{}, nil
	}

	trig, found := findTrigger(t.norm, req)
	if !found && partnerPending(req) {
		trig, found = findCreateVerb(t.norm)
	}
	_, drafting := conversation.LookupIntent(req.Intent)
	switch {
	case found:
		x := newExtraction(t, trig.intent, r.Region, req)
		x.extractAfterTrigger(trig)
		return conversation.Understanding{Intent: trig.intent, Values: x.result()}, nil
	case req.Pending != "":
		return r.understandReply(t, req), nil
	case drafting:
		x := newExtraction(t, req.Intent, r.Region, req)
		x.extractCorrection()
		return conversation.Understanding{Values: x.result()}, nil
	}
	return conversation.Understanding{}, nil
}

// partnerPending reports whether req replies to a question for a partner
// slot, such as the offer to create a customer that was not found.
func partnerPending(req conversation.UnderstandRequest) bool {
	intent, ok := conversation.LookupIntent(req.Intent)
	if !ok {
		return false
	}
	s, ok := intent.Slot(req.Pending)
	return ok && s.Kind == conversation.KindPartner
}

// createVerb matches a create verb and the name after it, as in "Create
// Nova" or "新建 星河科技".
// "new" is left out because many company names start with it ("New
// Balance").
var createVerb = regexp.MustCompile(`^\s*(?:(?:create|add|register)\s+|(?:新建|创建|新增|添加)\s*)(\S)`)

// findCreateVerb returns a create_customer trigger for text that starts
// with a create verb and a name. IsConfirmation has already taken the
// verb alone and "create it".
func findCreateVerb(norm string) (trigger, bool) {
	loc := createVerb.FindStringSubmatchIndex(norm)
	if loc == nil {
		return trigger{}, false
	}
	return trigger{intent: conversation.IntentCreateCustomer, start: 0, end: loc[2]}, true
}

// understandReply reads a reply to the question for req.Pending.
func (r *Rules) understandReply(t text, req conversation.UnderstandRequest) conversation.Understanding {
	if _, ok := conversation.LookupIntent(req.Intent); !ok {
		value := strings.TrimSpace(req.Text)
		return conversation.Understanding{Values: map[string]string{req.Pending: value}}
	}
	x := newExtraction(t, req.Intent, r.Region, req)
	x.extractReply(req.Pending)
	return conversation.Understanding{Values: x.result()}
}

// findCommand returns the command intent that norm consists of, or "".
func findCommand(norm string) string {
	s := strings.TrimSpace(norm)
	s = strings.TrimRight(s, "!.。！~～ ")
	if strings.HasPrefix(s, "/") {
		s, _, _ = strings.Cut(s, "@")
	}
	s = strings.TrimSuffix(s, " please")
	s = strings.TrimPrefix(s, "please ")
	return commands[s]
}

// findTrigger returns the earliest intent trigger in norm. Weak triggers
// count only when no slot is pending and they name an intent other than
// req.Intent, so that "the opportunity name is X" corrects the draft of
// an opportunity instead of starting one. When two triggers start at the
// same byte, the longer one wins.
func findTrigger(norm string, req conversation.UnderstandRequest) (trigger, bool) {
	patterns := []struct {
		intent string
		re     *regexp.Regexp
		weak   bool
	}{
		{conversation.IntentCreateCustomer, strongCustomer, false},
		{conversation.IntentCreateOpportunity, strongDeal, false},
		{conversation.IntentCreateCustomer, weakCustomer, true},
		{conversation.IntentCreateOpportunity, weakDeal, true},
	}

	var best trigger
	found := false
	for _, p := range patterns {
		if p.weak && (req.Pending != "" || p.intent == req.Intent) {
			continue
		}
		loc := p.re.FindStringIndex(norm)
		if loc == nil {
			continue
		}
		earlier := loc[0] < best.start || (loc[0] == best.start && loc[1] > best.end)
		if !found || earlier {
			best = trigger{intent: p.intent, start: loc[0], end: loc[1]}
			found = true
		}
	}
	return best, found
}
