package understand

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/crmbot/crmbot/conversation"
)

const (
	customer    = conversation.IntentCreateCustomer
	opportunity = conversation.IntentCreateOpportunity
)

// testNow is Friday 2026-12-04 15:00 at UTC+8.
var testNow = time.Date(2026, time.December, 4, 15, 0, 0, 0, time.FixedZone("CST", 8*3600))

type rulesCase struct {
	text    string
	intent  string // req.Intent, the intent being gathered
	pending string
	want    conversation.Understanding
}

func values(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

var rulesCases = []rulesCase{
	// Customers in English.
	{text: "new customer Acme Robotics, phone +1 415 555 0100, email Sales@AcmeRobotics.example",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Acme Robotics", "phone", "+1 415 555 0100", "email", "Sales@AcmeRobotics.example")}},
	{text: "add customer Globex Ltd",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Globex Ltd")}},
	{text: "Create a new customer: Initech, contact Peter Gibbons, tel (415) 555-0100",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Initech", "contact", "Peter Gibbons", "phone", "(415) 555-0100")}},
	{text: "new client Umbrella Corp ops@umbrella.example",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Umbrella Corp", "email", "ops@umbrella.example")}},
	{text: "new customer Contact Energy",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Contact Energy")}},
	{text: "new customer named Mobile Solutions Ltd, mobile 415-555-0100",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Mobile Solutions Ltd", "phone", "415-555-0100")}},
	{text: "customer: Hooli; email: press@hooli.example",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Hooli", "email", "press@hooli.example")}},
	{text: "new customer Acme, phone 12345",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Acme", "phone", "12345")}},
	{text: "new customer",
		want: conversation.Understanding{Intent: customer}},

	// Customers in Chinese.
	{text: "新客户 深圳星河科技, 联系人 王磊 138 0013 8000",
		want: conversation.Understanding{Intent: customer, Values: values("name", "深圳星河科技", "contact", "王磊", "phone", "138 0013 8000")}},
	{text: "新建客户：北京远航信息技术有限公司，电话 010-6552 9988，邮箱 info@yuanhang.example",
		want: conversation.Understanding{Intent: customer, Values: values("name", "北京远航信息技术有限公司", "phone", "010-6552 9988", "email", "info@yuanhang.example")}},
	{text: "添加客户 上海云帆 联系人张伟 手机１３９１２３４５６７８",
		want: conversation.Understanding{Intent: customer, Values: values("name", "上海云帆", "contact", "张伟", "phone", "１３９１２３４５６７８")}},
	{text: "客户：杭州青禾 邮箱 hello@qinghe.example",
		want: conversation.Understanding{Intent: customer, Values: values("name", "杭州青禾", "email", "hello@qinghe.example")}},
	{text: "帮我加个客户，名称：成都锦程",
		want: conversation.Understanding{Intent: customer, Values: values("name", "成都锦程")}},

	// Opportunities in English.
	{text: "new opportunity for Acme, 50k, closes next Friday",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "50k", "close_date", "next Friday")}},
	{text: "opportunity for Globex, amount $50,000.50, closing Dec 25",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Globex", "amount", "$50,000.50", "close_date", "Dec 25")}},
	{text: "new deal with Initech titled Printer upgrade worth ¥120,000 by 2026-12-25",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Initech", "name", "Printer upgrade", "amount", "¥120,000", "close_date", "2026-12-25")}},
	{text: "create opportunity Hooli 1.2m in 2 weeks",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Hooli", "amount", "1.2m", "close_date", "in 2 weeks")}},
	{text: "new opportunity for Acme Q3 2026 rollout",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme Q3 2026 rollout")}},

	// A sign stays with the amount, so slot.Amount rejects a negative one.
	{text: "new opportunity for Acme, -50k, closes tomorrow",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "-50k", "close_date", "tomorrow")}},
	{text: "new opportunity for Acme, −50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "−50k")}},
	{text: "new opportunity for Acme, $-50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "$-50k")}},
	{text: "new opportunity for Acme, minus 50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "minus 50k")}},
	{text: "new opportunity for Acme, +50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "+50k")}},
	{text: "new opportunity for Acme - 50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "amount", "50k")}},

	// Percentages and numbers inside longer tokens are not amounts or dates.
	{text: "new opportunity for Acme, 50%, closes tomorrow",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "close_date", "tomorrow")}},
	{text: "new opportunity for Acme, 50000 %",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme")}},
	{text: "new opportunity for Acme, 2-3k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme")}},
	{text: "new opportunity for Acme, 50k-seat licence",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme")}},
	{text: "new opportunity for Acme, sat-nav upgrade",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme")}},

	// Text between the trigger and a partner label is the opportunity's name.
	{text: "new opportunity Robot arms for Acme, 50k",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "name", "Robot arms", "amount", "50k")}},
	{text: "new deal Fleet renewal with Acme",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "name", "Fleet renewal")}},
	{text: "new opportunity Budget review for Acme",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "Acme", "name", "Budget review")}},
	{text: "新商机 官网改版 客户 星河科技",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "星河科技", "name", "官网改版")}},
	// Without a partner label a space does not split partner and name.
	{text: "新商机 星河科技 官网改版 5万",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "星河科技 官网改版", "amount", "5万")}},

	// Opportunities in Chinese.
	{text: "新商机 星河科技 5万 下周五成交",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "星河科技", "amount", "5万", "close_date", "下周五")}},
	{text: "给星河科技建个新商机，金额 30w，月底成交",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "星河科技", "amount", "30w", "close_date", "月底")}},
	{text: "远航信息的商机，预计 1.5万，12月25日",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "远航信息", "amount", "1.5万", "close_date", "12月25日")}},
	{text: "新建商机 客户：云帆 标题：年度维保 预计成交 下个月底",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "云帆", "name", "年度维保", "close_date", "下个月底")}},
	{text: "机会：青禾 RMB 3000 3天后",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "青禾", "amount", "RMB 3000", "close_date", "3天后")}},
	{text: "新商机 锦程 十万 明天",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "锦程", "amount", "十万", "close_date", "明天")}},
	{text: "新商机 星河科技 负5万",
		want: conversation.Understanding{Intent: opportunity, Values: values("partner", "星河科技", "amount", "负5万")}},

	// Commands.
	{text: "cancel", want: conversation.Understanding{Intent: conversation.IntentCancel}},
	{text: " /cancel@crm_bot ", want: conversation.Understanding{Intent: conversation.IntentCancel}},
	{text: "取消", want: conversation.Understanding{Intent: conversation.IntentCancel}},
	{text: "算了！", pending: "phone", intent: customer, want: conversation.Understanding{Intent: conversation.IntentCancel}},
	{text: "Help", want: conversation.Understanding{Intent: conversation.IntentHelp}},
	{text: "/start", want: conversation.Understanding{Intent: conversation.IntentHelp}},
	{text: "帮助", want: conversation.Understanding{Intent: conversation.IntentHelp}},

	// Replies to a pending slot.
	{text: "  Acme Robotics  ", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Acme Robotics")}},
	{text: "Acme Robotics, phone +1 415 555 0100", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Acme Robotics", "phone", "+1 415 555 0100")}},
	{text: "Acme, Inc.", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Acme, Inc.")}},
	{text: "Mobile Solutions Ltd", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Mobile Solutions Ltd")}},
	{text: "Opportunity Partners Ltd", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Opportunity Partners Ltd")}},
	{text: "138 0013 8000", intent: customer, pending: "phone",
		want: conversation.Understanding{Values: values("phone", "138 0013 8000")}},
	{text: "王磊，邮箱 wang@xinghe.example", intent: customer, pending: "contact",
		want: conversation.Understanding{Values: values("contact", "王磊", "email", "wang@xinghe.example")}},
	{text: "下周五", intent: opportunity, pending: "close_date",
		want: conversation.Understanding{Values: values("close_date", "下周五")}},
	{text: "Q3 2026 rollout", intent: opportunity, pending: "name",
		want: conversation.Understanding{Values: values("name", "Q3 2026 rollout")}},
	{text: "skip", intent: opportunity, pending: "amount",
		want: conversation.Understanding{Values: values("amount", "skip")}},
	{text: "new customer Globex", intent: opportunity, pending: "partner",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Globex")}},

	// A reply is a whole token: labels inside words and labels without a
	// value do not cut it.
	{text: "not-an-email", intent: customer, pending: "email",
		want: conversation.Understanding{Values: values("email", "not-an-email")}},
	{text: "mail@acme.example", intent: customer, pending: "email",
		want: conversation.Understanding{Values: values("email", "mail@acme.example")}},
	{text: "contact@acme.example", intent: customer, pending: "email",
		want: conversation.Understanding{Values: values("email", "contact@acme.example")}},
	{text: "phone-shop Ltd", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "phone-shop Ltd")}},
	{text: "Expected closing", intent: opportunity, pending: "close_date",
		want: conversation.Understanding{Values: values("close_date", "Expected closing")}},
	{text: "expected closing date is Dec 25", intent: opportunity, pending: "close_date",
		want: conversation.Understanding{Values: values("close_date", "Dec 25")}},
	{text: "my phone is 138 0013 8000", intent: customer, pending: "phone",
		want: conversation.Understanding{Values: values("phone", "138 0013 8000")}},
	{text: "new customer Acme, email ops@acme.example.c",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Acme", "email", "ops@acme.example.c")}},

	// A bare confirmation while a slot is pending is not a value.
	{text: "yes", intent: opportunity, pending: "partner", want: conversation.Understanding{}},
	{text: "create it", intent: opportunity, pending: "partner", want: conversation.Understanding{}},
	{text: "Yes, create it!", intent: opportunity, pending: "partner", want: conversation.Understanding{}},
	{text: "OK", intent: customer, pending: "phone", want: conversation.Understanding{}},
	{text: "好的", intent: customer, pending: "name", want: conversation.Understanding{}},
	{text: "确认", intent: opportunity, pending: "partner", want: conversation.Understanding{}},
	// "create <name>" at a partner question requests a new customer.
	{text: "Create Nova", intent: opportunity, pending: "partner",
		want: conversation.Understanding{Intent: customer, Values: values("name", "Nova")}},
	{text: "新建 星河科技", intent: opportunity, pending: "partner",
		want: conversation.Understanding{Intent: customer, Values: values("name", "星河科技")}},
	{text: "Create Labs", intent: customer, pending: "name",
		want: conversation.Understanding{Values: values("name", "Create Labs")}},

	// Corrections while a draft is confirmed: an intent and no pending slot.
	{text: "phone +1 415 555 0111", intent: customer,
		want: conversation.Understanding{Values: values("phone", "+1 415 555 0111")}},
	{text: "email ops@acme.example", intent: customer,
		want: conversation.Understanding{Values: values("email", "ops@acme.example")}},
	{text: "电话 13800138000", intent: customer,
		want: conversation.Understanding{Values: values("phone", "13800138000")}},
	{text: "name Acme Robotics Ltd", intent: customer,
		want: conversation.Understanding{Values: values("name", "Acme Robotics Ltd")}},
	{text: "名称 星河科技", intent: customer,
		want: conversation.Understanding{Values: values("name", "星河科技")}},
	{text: "contact Wang Lei", intent: customer,
		want: conversation.Understanding{Values: values("contact", "Wang Lei")}},
	{text: "联系人 王磊", intent: customer,
		want: conversation.Understanding{Values: values("contact", "王磊")}},
	{text: "change phone to 138 0013 8000", intent: customer,
		want: conversation.Understanding{Values: values("phone", "138 0013 8000")}},
	{text: "ops@acme.example", intent: customer,
		want: conversation.Understanding{Values: values("email", "ops@acme.example")}},
	{text: "the amount is 60k", intent: opportunity,
		want: conversation.Understanding{Values: values("amount", "60k")}},
	{text: "金额改为6万", intent: opportunity,
		want: conversation.Understanding{Values: values("amount", "6万")}},
	{text: "next Friday", intent: opportunity,
		want: conversation.Understanding{Values: values("close_date", "next Friday")}},
	{text: "the opportunity name is Robot arms", intent: opportunity,
		want: conversation.Understanding{Values: values("name", "Robot arms")}},
	{text: "thanks for the help", intent: opportunity, want: conversation.Understanding{}},
	{text: "hello there", intent: customer, want: conversation.Understanding{}},

	// No intent and nothing pending.
	{text: "hello there", want: conversation.Understanding{}},
	{text: "the weather is nice", want: conversation.Understanding{}},
	{text: "   ", want: conversation.Understanding{}},
}

func TestRulesUnderstand(t *testing.T) {
	rules := &Rules{Region: "CN"}
	for _, tt := range rulesCases {
		req := conversation.UnderstandRequest{Text: tt.text, Intent: tt.intent, Pending: tt.pending, Now: testNow}
		got, err := rules.Understand(context.Background(), req)
		if err != nil {
			t.Errorf("Understand(%q) error: %v", tt.text, err)
			continue
		}
		if got.Intent != tt.want.Intent {
			t.Errorf("Understand(%q) intent = %q, want %q", tt.text, got.Intent, tt.want.Intent)
		}
		wantValues := tt.want.Values
		if len(wantValues) == 0 {
			wantValues = nil
		}
		for name, want := range wantValues {
			if got.Values[name] != want {
				t.Errorf("Understand(%q) %s = %q, want %q", tt.text, name, got.Values[name], want)
			}
		}
		for name, value := range got.Values {
			if _, ok := wantValues[name]; !ok {
				t.Errorf("Understand(%q) has unexpected %s = %q", tt.text, name, value)
			}
		}
	}
}

func TestRulesUSRegion(t *testing.T) {
	rules := &Rules{Region: "US"}
	req := conversation.UnderstandRequest{Text: "new customer Acme Robotics 415 555 0100", Now: testNow}
	got, err := rules.Understand(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := values("name", "Acme Robotics", "phone", "415 555 0100")
	if !maps.Equal(got.Values, want) {
		t.Errorf("values = %v, want %v", got.Values, want)
	}
}

func TestIsConfirmation(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"yes", true},
		{"Y", true},
		{"ok", true},
		{"OK!", true},
		{"sure", true},
		{"create it", true},
		{"yes, create it", true},
		{"Yes create it.", true},
		{"ok ok", true},
		{"是", true},
		{"好", true},
		{"好的", true},
		{"好的，创建", true},
		{"确认", true},
		{"对", true},
		{"ｙｅｓ", true},
		{"", false},
		{"   ", false},
		{"Create Nova", false},
		{"yes Nova", false},
		{"no", false},
		{"yesterday", false},
		{"okay then", false},
		{"好的星河科技", false},
	}
	for _, tt := range tests {
		if got := IsConfirmation(tt.text); got != tt.want {
			t.Errorf("IsConfirmation(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestIsConfirmationCoversEngineWords checks that every word the engine
// takes as a confirmation is one for the rules too, so the rules never
// store it as a slot value.
func TestIsConfirmationCoversEngineWords(t *testing.T) {
	words := []string{"yes", "y", "ok", "okay", "sure", "confirm", "/confirm", "create it",
		"yes, create it", "是", "是的", "好", "好的", "确认", "对", "可以", "创建"}
	for _, w := range words {
		if conversation.IsConfirm(w) && !IsConfirmation(w) {
			t.Errorf("IsConfirmation(%q) = false, but conversation.IsConfirm accepts it", w)
		}
	}
}
