package understand

import (
	"regexp"
	"strings"

	"github.com/crmbot/crmbot/conversation"
)

// separator matches punctuation that ends a value.
var separator = regexp.MustCompile(`[,，;；、。!！?？\n]`)

// extraction collects the raw slot values of one message for one intent.
type extraction struct {
	t      text
	intent conversation.Intent
	spans  []span
	labels []label
	// bounds are norm offsets where an unlabelled value ends: separators,
	// label starts, detected values and the intent trigger.
	bounds []int
	values map[string]string
}

func newExtraction(t text, intentName, region string, req conversation.UnderstandRequest) *extraction {
	intent, _ := conversation.LookupIntent(intentName)
	x := &extraction{
		t:      t,
		intent: intent,
		spans:  findSpans(t, intentName, region, req.Now),
		labels: findLabels(t.norm, intentName),
		values: map[string]string{},
	}
	for _, loc := range separator.FindAllStringIndex(t.norm, -1) {
		x.bounds = append(x.bounds, loc[0])
	}
	for _, s := range x.spans {
		x.bounds = append(x.bounds, s.start)
	}
	return x
}

// extractAfterTrigger reads a message that names an intent. The text right
// after the trigger is the customer's name, or the partner of an
// opportunity ("new opportunity Acme", "新商机 星河科技"). When a partner
// label follows that text ("new opportunity Robot arms for Acme", "new
// deal Fleet renewal with Acme", "新商机 官网改版 客户 星河科技"), the text is
// the opportunity's name and the labelled value is the partner.
//
// Without a partner label the whole text stays the partner, so "新商机
// 星河科技 官网改版 5万" has the partner "星河科技 官网改版". A space is not a
// reliable boundary between a customer and a title, and the partner
// lookup then offers to choose or create the customer.
func (x *extraction) extractAfterTrigger(trig trigger) {
	implicitField := conversation.SlotName
	if trig.intent == conversation.IntentCreateOpportunity {
		implicitField = conversation.SlotPartner
	}
	implicitStart := skipFiller(x.t.norm, trig.end)

	x.labels = x.dropLabels(func(l label) bool {
		return l.start < trig.end && l.valueStart > trig.start
	})
	x.dropNameParts(implicitStart, implicitField)
	x.bounds = append(x.bounds, trig.start)
	for _, l := range x.labels {
		x.bounds = append(x.bounds, l.start)
	}

	x.extractLabels()
	switch {
	case x.values[implicitField] == "":
		x.setValue(implicitField, x.regionValue(implicitStart))
	case trig.intent == conversation.IntentCreateOpportunity && x.labelFollows(conversation.SlotPartner, x.regionEnd(implicitStart)):
		x.setValue(conversation.SlotName, x.regionValue(implicitStart))
	}
	x.extractDetected()
	if trig.intent == conversation.IntentCreateOpportunity && x.values[conversation.SlotPartner] == "" {
		x.setValue(conversation.SlotPartner, x.valueBefore(trig.start))
	}
}

// extractReply reads a reply to the question for pending. The text before
// the first label is the pending value, and labelled values after it are
// kept too. A labelled value of the pending slot itself wins over that
// text, so "my phone is 138 0013 8000" yields the number and not "my".
// Values detected without a label are ignored, because in a reply such as
// "Q3 2026 rollout" the number is part of the reply.
func (x *extraction) extractReply(pending string) {
	x.dropNameParts(0, pending)
	for _, l := range x.labels {
		x.bounds = append(x.bounds, l.start)
	}

	x.extractLabels()
	if x.values[pending] != "" {
		return
	}
	end := len(x.t.norm)
	if len(x.labels) > 0 {
		end = x.labels[0].start
	}
	if value := cleanValue(x.t.rawSlice(0, end)); value != "" {
		x.values[pending] = value
	}
}

// extractCorrection reads a message sent while the draft of intent is
// shown for confirmation, with no question pending. It accepts labelled
// values when the message starts with a label, possibly after lead-in
// words ("phone +1 415 555 0111", "the amount is 60k", "电话
// 13800138000"), or a message that is a single detected value and nothing
// else ("ops@acme.example", "60k"). Anything else yields no values, so that
// chat such as "thanks for the help" changes nothing.
func (x *extraction) extractCorrection() {
	x.dropNameParts(-1, "")
	for _, l := range x.labels {
		x.bounds = append(x.bounds, l.start)
	}

	if len(x.labels) > 0 {
		if isLeadIn(x.t.norm[:x.labels[0].start]) {
			x.extractLabels()
		}
		return
	}
	whole := cleanValue(x.t.raw)
	if len(x.spans) == 1 {
		s := x.spans[0]
		if value := x.t.rawSlice(s.start, s.end); value == whole {
			x.setValue(s.field, value)
		}
	}
}

// leadIn matches words that may come before the first label of a
// correction.
var leadIn = regexp.MustCompile(`^(?:(?:no|sorry|oops|actually|and|also|but|please|change|set|update|fix|correct|make|use|the|its|it's|my|our|their|opportunity|deal|customer|client|company)[\s,.:!]+|(?:商机|客户|公司|不对|不是|另外|还有|请|把|修改|更改|改|将)[\s,，.:：!！]*)*$`)

// isLeadIn reports whether prefix contains only lead-in words, spaces and
// punctuation.
func isLeadIn(prefix string) bool {
	return leadIn.MatchString(strings.TrimLeft(prefix, " ,，.:：!！"))
}

// dropNameParts drops labels that start a free-text value and name another
// field, as "Contact" does in "new customer Contact Energy" and "Mobile"
// does in "named Mobile Solutions". Such a label is part of the value,
// unless its field's value is detected right after it ("new customer phone
// 138 0013 8000"). Free-text values start at implicitStart and after the
// labels of untyped fields.
func (x *extraction) dropNameParts(implicitStart int, implicitField string) {
	valueStarts := map[int]string{implicitStart: implicitField}
	var kept []label
	for _, l := range x.labels {
		field, startsValue := valueStarts[l.start]
		if startsValue && l.field != field {
			_, detected := x.spanAt(l.field, skipFiller(x.t.norm, l.valueStart))
			if !detected {
				continue
			}
		}
		kept = append(kept, l)
		if !typedFields[l.field] {
			valueStarts[skipFiller(x.t.norm, l.valueStart)] = l.field
		}
	}
	x.labels = kept
}

func (x *extraction) dropLabels(drop func(label) bool) []label {
	var kept []label
	for _, l := range x.labels {
		if !drop(l) {
			kept = append(kept, l)
		}
	}
	return kept
}

// extractLabels sets each labelled value. The first label of a field wins.
func (x *extraction) extractLabels() {
	for _, l := range x.labels {
		if x.values[l.field] != "" {
			continue
		}
		start := skipFiller(x.t.norm, l.valueStart)
		if typedFields[l.field] {
			if s, ok := x.spanWithin(l.field, start); ok {
				x.setValue(l.field, x.t.rawSlice(s.start, s.end))
				continue
			}
		}
		x.setValue(l.field, x.regionValue(start))
	}
}

// extractDetected fills typed slots that have no labelled value with the
// first value detected by its shape.
func (x *extraction) extractDetected() {
	for _, s := range x.spans {
		if x.values[s.field] == "" {
			x.setValue(s.field, x.t.rawSlice(s.start, s.end))
		}
	}
}

// valueBefore returns the text between the last separator, label or
// detected value before end and end, without a final "的", as in
// "星河科技的商机".
func (x *extraction) valueBefore(end int) string {
	start := 0
	for _, loc := range separator.FindAllStringIndex(x.t.norm[:end], -1) {
		start = loc[1]
	}
	for _, l := range x.labels {
		if l.valueStart <= end && l.valueStart > start {
			start = l.valueStart
		}
	}
	for _, s := range x.spans {
		if s.end <= end && s.end > start {
			start = s.end
		}
	}
	value := cleanValue(x.t.rawSlice(start, end))
	return cleanValue(strings.TrimSuffix(value, "的"))
}

// regionValue returns the text from start to the next bound.
func (x *extraction) regionValue(start int) string {
	return cleanValue(x.t.rawSlice(start, x.regionEnd(start)))
}

// regionEnd returns the first bound at or after start, or the end of the
// text.
func (x *extraction) regionEnd(start int) int {
	end := len(x.t.norm)
	for _, b := range x.bounds {
		if b >= start && b < end {
			end = b
		}
	}
	return end
}

// labelFollows reports whether a label of field starts at offset, after
// spaces and separators.
func (x *extraction) labelFollows(field string, offset int) bool {
	for offset < len(x.t.norm) {
		if x.t.norm[offset] == ' ' {
			offset++
			continue
		}
		loc := separator.FindStringIndex(x.t.norm[offset:])
		if loc == nil || loc[0] != 0 {
			break
		}
		offset += loc[1]
	}
	for _, l := range x.labels {
		if l.field == field && l.start == offset {
			return true
		}
	}
	return false
}

// spanAt returns the detected value of field that starts at start.
func (x *extraction) spanAt(field string, start int) (span, bool) {
	for _, s := range x.spans {
		if s.field == field && s.start == start {
			return s, true
		}
	}
	return span{}, false
}

// spanWithin returns the first detected value of field between start and
// the next bound that is not a value of field itself, so that "金额 约5万"
// yields "5万".
func (x *extraction) spanWithin(field string, start int) (span, bool) {
	end := len(x.t.norm)
	for _, b := range x.bounds {
		if b >= start && b < end && !x.isSpanStart(field, b) {
			end = b
		}
	}
	for _, s := range x.spans {
		if s.field == field && s.start >= start && s.start < end {
			return s, true
		}
	}
	return span{}, false
}

func (x *extraction) isSpanStart(field string, offset int) bool {
	_, ok := x.spanAt(field, offset)
	return ok
}

func (x *extraction) setValue(field, value string) {
	if value != "" && x.values[field] == "" {
		x.values[field] = value
	}
}

// result returns the values of the intent's slots, or nil when there are
// none.
func (x *extraction) result() map[string]string {
	out := map[string]string{}
	for _, s := range x.intent.Slots {
		if v := x.values[s.Name]; v != "" {
			out[s.Name] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
