package understand

import "testing"

func TestOccursIn(t *testing.T) {
	tests := []struct {
		value, text string
		want        bool
	}{
		{"ops@acme.test", "email ops@acme.test", true},
		{"ops@acme.test", "email ops@acme.test.", true},
		{"ops@acme.test", "邮箱ops@acme.test，谢谢", true},
		{"ops@acme.te", "email ops@acme.test", false},
		{"acme.test", "email ops@acme.test", false},
		{"ops@acme", "email ops@acme.test", false},
		{"OPS@Acme.Test", "email ops@acme.test", true},
		{"13800138000", "电话138 0013 8000", true},
		{"138 0013 8000", "电话13800138000吧", true},
		{"+1 415 555 0100", "phone +1 415 555 0100", true},
		{"1 415 555 0100", "phone +1 415 555 0100", false},
		{"+1 415 555 010", "phone +1 415 555 0100", false},
		{"50k", "about 50k", true},
		{"50", "about 50k", false},
		{"50", "about 50,000", false},
		{"50,000", "about 50,000.", true},
		{"-5000", "amount -5000", true},
		{"5000", "amount -5000", false},
		{"1.5", "1.5万", false},
		{"5万", "预算5万元", true},
		{"5万", "预算5万一年", true},
		{"5", "预算5万", false},
		{"5000", "预算1万5000", false},
		{"星河科技", "我们签了星河科技的单", true},
		{"Acme", "客户Acme电话13800138000", true},
		{"Acme", "we signed Acme Robotics", true},
		{"Acme Robotics", "we signed acme  robotics, phone", true},
		{"Acme Robotic", "we signed Acme Robotics", false},
		{"cme", "we signed Acme", false},
		{"Brien", "contact O'Brien", false},
		{"Acme Inc.", "signed Acme Inc. today", true},
		{"ＡＣＭＥ", "signed Acme", true},
		{"--", "a -- b", false},
	}
	for _, tt := range tests {
		if got := occursIn(tt.value, tt.text); got != tt.want {
			t.Errorf("occursIn(%q, %q) = %v, want %v", tt.value, tt.text, got, tt.want)
		}
	}
}
