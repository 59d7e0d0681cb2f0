package slot

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata"
)

func TestPhone(t *testing.T) {
	tests := []struct {
		raw, region, want string
	}{
		{"+1 415 555 0100", "US", "+1 415-555-0100"},
		{"415-555-0100", "US", "+1 415-555-0100"},
		{"(415) 555-0100", "US", "+1 415-555-0100"},
		{"415.555.0100", "us", "+1 415-555-0100"},
		{"+1 415 555 0100", "CN", "+1 415-555-0100"},
		{"138 0013 8000", "CN", "+86 138 0013 8000"},
		{"13800138000", "CN", "+86 138 0013 8000"},
		{"138-0013-8000", "CN", "+86 138 0013 8000"},
		{"+86 755 8888 6666", "US", "+86 755 8888 6666"},
		{"0755-8888 6666", "CN", "+86 755 8888 6666"},
		{"１３８ ００１３ ８０００", "CN", "+86 138 0013 8000"},
		{"＋８６ １３８００１３８０００", "US", "+86 138 0013 8000"},
		{"  +44 20 7946 0958 ", "", "+44 20 7946 0958"},
	}
	for _, tt := range tests {
		got, err := Phone(tt.raw, tt.region)
		if err != nil {
			t.Errorf("Phone(%q, %q) error: %v", tt.raw, tt.region, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Phone(%q, %q) = %q, want %q", tt.raw, tt.region, got, tt.want)
		}
	}
}

func TestPhoneInvalid(t *testing.T) {
	tests := []struct {
		raw, region, reason string
	}{
		{"", "CN", "empty"},
		{"12345", "CN", "too short"},
		{"call me", "US", "contains letters"},
		{"138 0013 800O", "CN", "contains letters"},
		{"电话138", "CN", "contains letters"},
		{"138#0013#8000", "CN", "contains #"},
		{"138 0013 8000", "", "no country code and no default region"},
		{"123 4567 8901", "CN", "not a valid number for region CN"},
		{"+1 415 555 01", "US", "not a valid number for region US"},
		{"415 555 0100 +1", "US", "contains +"},
	}
	for _, tt := range tests {
		_, err := Phone(tt.raw, tt.region)
		var slotErr *Error
		if !errors.As(err, &slotErr) {
			t.Errorf("Phone(%q, %q) error = %v, want *Error", tt.raw, tt.region, err)
			continue
		}
		if slotErr.Kind != KindPhone {
			t.Errorf("Phone(%q) kind = %q, want %q", tt.raw, slotErr.Kind, KindPhone)
		}
		if slotErr.Value != tt.raw {
			t.Errorf("Phone(%q) value = %q, want the raw text", tt.raw, slotErr.Value)
		}
		if slotErr.Reason != tt.reason {
			t.Errorf("Phone(%q) reason = %q, want %q", tt.raw, slotErr.Reason, tt.reason)
		}
	}
}

func TestEmail(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"Sales@AcmeRobotics.example", "sales@acmerobotics.example"},
		{"  ops@acme.example\n", "ops@acme.example"},
		{"wang.lei+crm@xinghe-tech.com.cn", "wang.lei+crm@xinghe-tech.com.cn"},
		{"ｗａｎｇ＠ｘｉｎｇｈｅ．ｃｎ", "wang@xinghe.cn"},
		{"wang@星河.中国", "wang@星河.中国"},
	}
	for _, tt := range tests {
		got, err := Email(tt.raw)
		if err != nil {
			t.Errorf("Email(%q) error: %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Email(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestEmailInvalid(t *testing.T) {
	tests := []string{
		"",
		"sales",
		"sales@",
		"@acme.example",
		"sales@localhost",
		"sales@acme",
		"sales@acme..example",
		"sales@.acme.example",
		"sales@-acme.example",
		"sales@acme.c",
		"sales @acme.example",
		"Sales Team <sales@acme.example>",
		"<sales@acme.example>",
		"sales@acme.example, ops@acme.example",
		"sales@acme_x.example",
		"邮箱 sales@acme.example",
	}
	for _, raw := range tests {
		got, err := Email(raw)
		var slotErr *Error
		if !errors.As(err, &slotErr) {
			t.Errorf("Email(%q) = %q, %v, want *Error", raw, got, err)
			continue
		}
		if slotErr.Kind != KindEmail {
			t.Errorf("Email(%q) kind = %q, want %q", raw, slotErr.Kind, KindEmail)
		}
	}
}

func TestAmount(t *testing.T) {
	tests := []struct {
		raw  string
		want float64
	}{
		{"50k", 50000},
		{"50K", 50000},
		{"50 k", 50000},
		{"1.2m", 1200000},
		{"2 million", 2000000},
		{"5万", 50000},
		{"1.5万", 15000},
		{"1.5万元", 15000},
		{"2千", 2000},
		{"120,000", 120000},
		{"¥120,000", 120000},
		{"￥120,000", 120000},
		{"$50,000.50", 50000.5},
		{"RMB 3000", 3000},
		{"3000元", 3000},
		{"3000 块", 3000},
		{"30w", 300000},
		{"30W", 300000},
		{"十万", 100000},
		{"五千", 5000},
		{"两万五千", 25000},
		{"一百二十万", 1200000},
		{"１２０，０００", 120000},
		{"５万", 50000},
		{"0.5", 0.5},
		{"+50k", 50000},
		{"+ 5", 5},
		{"+¥120,000", 120000},
		{"$+50k", 50000},
	}
	for _, tt := range tests {
		got, err := Amount(tt.raw)
		if err != nil {
			t.Errorf("Amount(%q) error: %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Amount(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

func TestAmountInvalid(t *testing.T) {
	tests := []struct{ raw, reason string }{
		{"", "no number"},
		{"-50k", "negative"},
		{"−500", "negative"},
		{"负五万", "negative"},
		{"-5", "negative"},
		{"−5", "negative"},
		{"–5", "negative"},
		{"－５万", "negative"},
		{"$-50k", "negative"},
		{"-$50k", "negative"},
		{"RMB -3000", "negative"},
		{"¥−500", "negative"},
		{"minus 50k", "negative"},
		{"50%", "percentage"},
		{"50 %", "percentage"},
		{"５０％", "percentage"},
		{"2.5‰", "percentage"},
		{"50 percent", "percentage"},
		{"百分之五十", "percentage"},
		{"+-5", "not an amount"},
		{"0", "zero"},
		{"0k", "zero"},
		{"0.001", "zero"},
		{"2000000000000", "larger than 1e12"},
		{"20000亿", "larger than 1e12"},
		{"fifty", "not an amount"},
		{"50kk", "not an amount"},
		{"1,20", "not an amount"},
		{"12,0000", "not an amount"},
		{"5万万", "not an amount"},
		{"两万五", "not an amount"},
		{"1.2.3", "not an amount"},
		{"about 50k", "not an amount"},
		{"$", "no number"},
	}
	for _, tt := range tests {
		got, err := Amount(tt.raw)
		var slotErr *Error
		if !errors.As(err, &slotErr) {
			t.Errorf("Amount(%q) = %v, %v, want *Error", tt.raw, got, err)
			continue
		}
		if slotErr.Reason != tt.reason {
			t.Errorf("Amount(%q) reason = %q, want %q", tt.raw, slotErr.Reason, tt.reason)
		}
	}
}

// fridayNow is Friday 2026-12-04 15:00 in Shanghai.
func fridayNow(t *testing.T) time.Time {
	t.Helper()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, time.December, 4, 15, 0, 0, 0, shanghai)
	if now.Weekday() != time.Friday {
		t.Fatalf("2026-12-04 is a %v, want Friday", now.Weekday())
	}
	return now
}

func TestDate(t *testing.T) {
	now := fridayNow(t)
	tests := []struct{ raw, want string }{
		{"2026-12-25", "2026-12-25"},
		{"2026/12/25", "2026-12-25"},
		{"2027.1.5", "2027-01-05"},
		{"2024-02-29", "2024-02-29"},
		{"12/25/2026", "2026-12-25"},
		{"12/25", "2026-12-25"},
		{"12/4", "2026-12-04"},
		{"3/1", "2027-03-01"},
		{"2/29", "2028-02-29"},
		{"Dec 25", "2026-12-25"},
		{"December 25th", "2026-12-25"},
		{"25 Dec", "2026-12-25"},
		{"25th of December 2027", "2027-12-25"},
		{"Jan 10", "2027-01-10"},
		{"31/12/2026", "2026-12-31"},
		{"13/1/2027", "2027-01-13"},
		{"25/12", "2026-12-25"},
		{"5/6/2027", "2027-05-06"},
		{"12/31", "2026-12-31"},
		{"today", "2026-12-04"},
		{"Tomorrow", "2026-12-05"},
		{"day after tomorrow", "2026-12-06"},
		{"yesterday", "2026-12-03"},
		{"Friday", "2026-12-04"},
		{"this Friday", "2026-12-04"},
		{"next Friday", "2026-12-11"},
		{"Monday", "2026-12-07"},
		{"next Monday", "2026-12-07"},
		{"next sunday", "2026-12-13"},
		{"Thu", "2026-12-10"},
		{"in 2 weeks", "2026-12-18"},
		{"in two weeks", "2026-12-18"},
		{"in 3 days", "2026-12-07"},
		{"in a month", "2027-01-04"},
		{"3 days from now", "2026-12-07"},
		{"end of month", "2026-12-31"},
		{"end of the month", "2026-12-31"},
		{"end of next month", "2027-01-31"},
		{"end of year", "2026-12-31"},
		{"今天", "2026-12-04"},
		{"明天", "2026-12-05"},
		{"后天", "2026-12-06"},
		{"大后天", "2026-12-07"},
		{"下周五", "2026-12-11"},
		{"下星期五", "2026-12-11"},
		{"下周一", "2026-12-07"},
		{"下周日", "2026-12-13"},
		{"周五", "2026-12-04"},
		{"星期五", "2026-12-04"},
		{"周一", "2026-12-07"},
		{"礼拜天", "2026-12-06"},
		{"本周三", "2026-12-02"},
		{"这周日", "2026-12-06"},
		{"下个月底", "2027-01-31"},
		{"下月底", "2027-01-31"},
		{"月底", "2026-12-31"},
		{"年底", "2026-12-31"},
		{"12月25日", "2026-12-25"},
		{"12月25号", "2026-12-25"},
		{"１２月２５日", "2026-12-25"},
		{"2027年1月5日", "2027-01-05"},
		{"25号", "2026-12-25"},
		{"1号", "2027-01-01"},
		{"3天后", "2026-12-07"},
		{"三天后", "2026-12-07"},
		{"两周后", "2026-12-18"},
		{"1个月后", "2027-01-04"},
		{"十天之后", "2026-12-14"},
	}
	for _, tt := range tests {
		got, err := Date(tt.raw, now)
		if err != nil {
			t.Errorf("Date(%q) error: %v", tt.raw, err)
			continue
		}
		if s := got.Format(time.DateOnly); s != tt.want {
			t.Errorf("Date(%q) = %s, want %s", tt.raw, s, tt.want)
		}
		if got.Location() != now.Location() {
			t.Errorf("Date(%q) location = %v, want %v", tt.raw, got.Location(), now.Location())
		}
		if h, m, s := got.Clock(); h != 0 || m != 0 || s != 0 {
			t.Errorf("Date(%q) clock = %02d:%02d:%02d, want midnight", tt.raw, h, m, s)
		}
	}
}

// TestDateNextWeekdayFromWednesday checks that "next Friday" sent on a
// Wednesday means the Friday of the following week, like 下周五.
func TestDateNextWeekdayFromWednesday(t *testing.T) {
	wednesday := fridayNow(t).AddDate(0, 0, -2)
	tests := []struct{ raw, want string }{
		{"next Friday", "2026-12-11"},
		{"下周五", "2026-12-11"},
		{"Friday", "2026-12-04"},
		{"周五", "2026-12-04"},
		{"next Wednesday", "2026-12-09"},
		{"Wednesday", "2026-12-02"},
		{"本周一", "2026-11-30"},
	}
	for _, tt := range tests {
		got, err := Date(tt.raw, wednesday)
		if err != nil {
			t.Errorf("Date(%q) on Wednesday error: %v", tt.raw, err)
			continue
		}
		if s := got.Format(time.DateOnly); s != tt.want {
			t.Errorf("Date(%q) on Wednesday = %s, want %s", tt.raw, s, tt.want)
		}
	}
}

func TestDateMonthClamp(t *testing.T) {
	jan31 := time.Date(2027, time.January, 31, 9, 0, 0, 0, time.UTC)
	got, err := Date("in 1 month", jan31)
	if err != nil {
		t.Fatal(err)
	}
	if s := got.Format(time.DateOnly); s != "2027-02-28" {
		t.Errorf("Date(in 1 month) on 2027-01-31 = %s, want 2027-02-28", s)
	}
}

func TestDateInvalid(t *testing.T) {
	now := fridayNow(t)
	tests := []struct{ raw, reason string }{
		{"", "empty"},
		{"2026-02-30", "impossible date"},
		{"2026-13-01", "impossible date"},
		{"2026/04/31", "impossible date"},
		{"2/30", "impossible date"},
		{"13/25", "impossible date"},
		{"31/13/2026", "impossible date"},
		{"31/11", "impossible date"},
		{"29/2/2027", "impossible date"},
		{"2月30日", "impossible date"},
		{"Feb 30", "impossible date"},
		{"32号", "impossible date"},
		{"someday", "not a date"},
		{"next week", "not a date"},
		{"下下周五", "not a date"},
		{"周八", "not a date"},
		{"in 99999 days", "offset too large"},
		{"asap", "not a date"},
	}
	for _, tt := range tests {
		got, err := Date(tt.raw, now)
		var slotErr *Error
		if !errors.As(err, &slotErr) {
			t.Errorf("Date(%q) = %v, %v, want *Error", tt.raw, got, err)
			continue
		}
		if slotErr.Reason != tt.reason {
			t.Errorf("Date(%q) reason = %q, want %q", tt.raw, slotErr.Reason, tt.reason)
		}
	}
}

func TestFindPhone(t *testing.T) {
	tests := []struct {
		text, region, want string
		ok                 bool
	}{
		{"新客户 深圳星河科技, 联系人 王磊 138 0013 8000", "CN", "138 0013 8000", true},
		{"new customer Acme Robotics, phone +1 415 555 0100, email Sales@AcmeRobotics.example", "US", "+1 415 555 0100", true},
		{"call (415) 555-0100 today", "US", "(415) 555-0100", true},
		{"电话：１３８００１３８０００", "CN", "１３８００１３８０００", true},
		{"王磊13800138000", "CN", "13800138000", true},
		{"号码 138 0013 8000 5万", "CN", "138 0013 8000", true},
		{"closes 2026-12-25", "CN", "", false},
		{"amount 120,000", "CN", "", false},
		{"room 12345", "CN", "", false},
		{"acme123456789", "US", "", false},
		{"0755 8888 6666 ext", "", "0755 8888 6666", true},
		{"no number here", "US", "", false},
		{"13800138000@qq.com", "CN", "", false},
		{"x_13800138000", "CN", "", false},
		{"13800138000abc", "CN", "", false},
		{"part 138 0013 8000-x2", "CN", "", false},
		{"Tel.13800138000", "CN", "13800138000", true},
		{"电话138 0013 8000。", "CN", "138 0013 8000", true},
		{"call +1 415 555 0100.", "US", "+1 415 555 0100", true},
	}
	for _, tt := range tests {
		got, ok := FindPhone(tt.text, tt.region)
		if ok != tt.ok || got != tt.want {
			t.Errorf("FindPhone(%q, %q) = %q, %v, want %q, %v", tt.text, tt.region, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFindEmail(t *testing.T) {
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"new customer Acme Robotics, phone +1 415 555 0100, email Sales@AcmeRobotics.example", "Sales@AcmeRobotics.example", true},
		{"邮箱wang@xinghe.cn，电话138", "wang@xinghe.cn", true},
		{"邮箱 ｗａｎｇ＠ｘｉｎｇｈｅ．ｃｎ", "ｗａｎｇ＠ｘｉｎｇｈｅ．ｃｎ", true},
		{"write to ops@acme.example.", "ops@acme.example", true},
		{"no address @ all", "", false},
		{"user@localhost", "", false},
		{"ops@acme.example.c", "", false},
		{"müller@acme.example", "", false},
		{"wang#lei@acme.example", "wang#lei@acme.example", true},
		{"mailto:ops@acme.example", "ops@acme.example", true},
		{"(ops@acme.example)", "ops@acme.example", true},
		{"'ops@acme.example'", "ops@acme.example", true},
		{"email ops@acme_x.example, or sales@acme.example", "sales@acme.example", true},
		{"邮箱：wang@xinghe.cn。", "wang@xinghe.cn", true},
	}
	for _, tt := range tests {
		got, ok := FindEmail(tt.text)
		if ok != tt.ok || got != tt.want {
			t.Errorf("FindEmail(%q) = %q, %v, want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := &Error{Kind: KindPhone, Value: "12", Reason: "too short"}
	if got, want := err.Error(), `invalid phone "12": too short`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
