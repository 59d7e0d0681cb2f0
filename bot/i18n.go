package bot

import (
	"fmt"
	"strings"
)

// catalog holds every chat text by language and key. Templates take the
// message's arguments as %[1]s, %[2]s, …; an argument that names an intent
// or a slot is replaced by its label first.
var catalog = map[string]map[string]string{
	"en": {
		"help": "I can create customers and opportunities in Odoo. Try:\n" +
			"• new customer Acme Robotics, phone +1 415 555 0100, email sales@acme.example\n" +
			"• new opportunity for Acme, 50k, closes next Friday\n" +
			"Say \"cancel\" at any time to stop.",
		"not_understood":                    "I did not understand “%[1]s”. Say \"help\" to see what I can do.",
		"ask.create_customer.name":          "What is the customer's name?",
		"ask.create_customer.phone":         "What is the customer's phone number?",
		"ask.create_customer.email":         "What is the customer's email address?",
		"ask.create_customer.contact":       "Who is the contact person?",
		"ask.create_opportunity.partner":    "Which customer is the opportunity for?",
		"ask.create_opportunity.name":       "What should the opportunity be called? (a short title, such as \"50 office chairs\")",
		"ask.create_opportunity.amount":     "What is the expected revenue? (for example 50k)",
		"ask.create_opportunity.close_date": "When is it expected to close? (for example next Friday or 2026-12-31)",
		"ask_optional":                      "%[1]s Send it, or press Skip.",
		"invalid.phone":                     "“%[2]s” is not a valid phone number. Send it with the country code, for example +1 415 555 0100.",
		"invalid.email":                     "“%[2]s” is not a valid email address. Send one like name@example.com.",
		"invalid.amount":                    "“%[2]s” is not an amount I can read. Send a number such as 50000, 50k or ¥120,000.",
		"invalid.date":                      "“%[2]s” is not a date I can read. Send one such as 2026-12-31, tomorrow or next Friday.",
		"invalid.text":                      "“%[2]s” cannot be used here: send a non-empty text of at most 200 characters.",
		"invalid.partner":                   "“%[2]s” cannot be used as a customer name: send a non-empty name of at most 200 characters.",
		"preview":                           "Please check the new %[1]s:",
		"choose":                            "Several customers match “%[1]s”. Which one?",
		"duplicate":                         "Note: Odoo already has a customer named “%[1]s” (%[2]s). Confirm creates another one; Cancel keeps the existing one.",
		"choose_more":                       "%[2]s customers match “%[1]s”; here are the closest %[3]s. If yours is not listed, send more of its name.",
		"no_match":                          "No customer in Odoo matches “%[1]s”. Create it first?",
		"edit_which":                        "What do you want to change?",
		"cancelled":                         "Cancelled the new %[1]s. Nothing was written to Odoo.",
		"nothing_to_cancel":                 "There is nothing to cancel.",
		"done":                              "Created %[1]s “%[2]s” in Odoo (id %[3]s).",
		"already_done":                      "This %[1]s was already created: “%[2]s” (id %[3]s).",
		"failed":                            "Odoo did not save the %[1]s: %[2]s\nFix it with Edit, or try again.",
		"unavailable":                       "Odoo could not be reached, so the %[1]s is not saved yet. Try again in a moment; nothing is lost.",
		"outcome_unknown":                   "The connection to Odoo broke while saving the %[1]s, so it may or may not be saved. Try again: I will check Odoo first and not create it twice.",
		"executing":                         "I am still saving the %[1]s. Please wait a moment.",
		"expired":                           "This button has expired. Send a new message to start again.",
		"not_owner":                         "Only the person who started this can use these buttons.",
		"resumed":                           "Back to the new %[1]s.",
		"switched":                          "I put the %[1]s aside and started a new %[2]s; I will come back to it.",
		"timed_out":                         "The unfinished %[1]s expired and was dropped.",
		"rephrase":                          "Sorry, I could not read that. Please say it again more simply, one thing at a time.",
		"internal_error":                    "Something went wrong on my side; nothing was lost. Please try again.",
		"lookup_failed":                     "I could not search Odoo for “%[1]s” just now. Send the customer's name again in a moment.",
		"misconfigured":                     "The bot cannot work with Odoo now: %[2]s. Your %[1]s is kept; try again once that is fixed.",
		"partner_linked":                    "The opportunity is now linked to “%[1]s”.",
		"edited_ignored":                    "I do not act on edited messages, so nothing changed. Send the corrected text as a new message.",

		"intent.create_customer":    "customer",
		"intent.create_opportunity": "opportunity",
		"slot.name":                 "Name",
		"slot.phone":                "Phone",
		"slot.email":                "Email",
		"slot.contact":              "Contact",
		"slot.partner":              "Customer",
		"slot.amount":               "Expected revenue",
		"slot.close_date":           "Expected closing",
		"empty.phone":               "no phone",
		"empty.email":               "no email",
		"empty":                     "none",

		"btn.confirm":        "Confirm",
		"btn.edit":           "Edit",
		"btn.cancel":         "Cancel",
		"btn.retry":          "Try again",
		"btn.skip":           "Skip",
		"btn.back":           "Back to the preview",
		"btn.choose":         "%[1]s",
		"btn.create_partner": "Create “%[1]s”",
		"btn.edit_slot":      "%[1]s",
	},
	"zh": {
		"help": "我可以在 Odoo 中新建客户和商机。例如：\n" +
			"• 新客户 深圳星河科技 电话 0755-8888 6666\n" +
			"• 新商机 星河科技 5万 下周五成交\n" +
			"随时发送“取消”即可停止。",
		"not_understood":                    "没有看懂“%[1]s”。发送“帮助”查看我能做什么。",
		"ask.create_customer.name":          "客户名称是什么？",
		"ask.create_customer.phone":         "客户的电话号码是多少？",
		"ask.create_customer.email":         "客户的邮箱是什么？",
		"ask.create_customer.contact":       "联系人是谁？",
		"ask.create_opportunity.partner":    "这个商机属于哪个客户？",
		"ask.create_opportunity.name":       "商机叫什么名字？（简短标题，例如“50 把办公椅”）",
		"ask.create_opportunity.amount":     "预计收入是多少？（例如 5万）",
		"ask.create_opportunity.close_date": "预计什么时候成交？（例如 下周五 或 2026-12-31）",
		"ask_optional":                      "%[1]s 请直接发送，或点“跳过”。",
		"invalid.phone":                     "“%[2]s”不是有效的电话号码。请带区号发送，例如 0755-8888 6666 或 +86 138 0013 8000。",
		"invalid.email":                     "“%[2]s”不是有效的邮箱地址。请发送类似 name@example.com 的地址。",
		"invalid.amount":                    "无法识别金额“%[2]s”。请发送数字，例如 50000、5万 或 ¥120,000。",
		"invalid.date":                      "无法识别日期“%[2]s”。请发送例如 2026-12-31、明天 或 下周五。",
		"invalid.text":                      "“%[2]s”不能使用：请发送不超过 200 个字符的非空文字。",
		"invalid.partner":                   "“%[2]s”不能作为客户名称：请发送不超过 200 个字符的名称。",
		"preview":                           "请确认新%[1]s：",
		"choose":                            "有多个客户匹配“%[1]s”，是哪一个？",
		"duplicate":                         "注意：Odoo 中已有名为“%[1]s”的客户（%[2]s）。确认会再新建一个；取消则保留现有的。",
		"choose_more":                       "有 %[2]s 个客户匹配“%[1]s”，以下是最接近的 %[3]s 个。如果没有你要的，请发送更完整的名称。",
		"no_match":                          "Odoo 中没有匹配“%[1]s”的客户。先新建这个客户吗？",
		"edit_which":                        "要修改哪一项？",
		"cancelled":                         "已取消新%[1]s，没有写入 Odoo。",
		"nothing_to_cancel":                 "当前没有可以取消的操作。",
		"done":                              "已在 Odoo 中创建%[1]s“%[2]s”（id %[3]s）。",
		"already_done":                      "这个%[1]s已经创建过了：“%[2]s”（id %[3]s）。",
		"failed":                            "Odoo 没有保存该%[1]s：%[2]s\n请点“修改”更正，或重试。",
		"unavailable":                       "暂时无法连接 Odoo，%[1]s还没有保存。请稍后重试，数据不会丢失。",
		"outcome_unknown":                   "保存%[1]s时与 Odoo 的连接中断，无法确定是否已保存。请重试：我会先检查 Odoo，不会重复创建。",
		"executing":                         "正在保存%[1]s，请稍候。",
		"expired":                           "这个按钮已失效。请发送新消息重新开始。",
		"not_owner":                         "只有发起人可以使用这些按钮。",
		"resumed":                           "回到新%[1]s。",
		"switched":                          "先把%[1]s放一边，开始新%[2]s；稍后会回来继续。",
		"timed_out":                         "未完成的%[1]s已过期，已丢弃。",
		"rephrase":                          "抱歉，没能读懂。请换个简单的说法，一次说一件事。",
		"internal_error":                    "我这边出了点问题，数据没有丢失。请重试。",
		"lookup_failed":                     "暂时无法在 Odoo 中搜索“%[1]s”。请稍后再发送一次客户名称。",
		"misconfigured":                     "机器人目前无法使用 Odoo：%[2]s。你的%[1]s已保留，问题解决后请重试。",
		"partner_linked":                    "商机已关联到“%[1]s”。",
		"edited_ignored":                    "我不处理编辑过的消息，所以没有任何改动。请把修改后的内容作为新消息发送。",

		"intent.create_customer":    "客户",
		"intent.create_opportunity": "商机",
		"slot.name":                 "名称",
		"slot.phone":                "电话",
		"slot.email":                "邮箱",
		"slot.contact":              "联系人",
		"slot.partner":              "客户",
		"slot.amount":               "预计收入",
		"slot.close_date":           "预计成交",
		"empty.phone":               "无电话",
		"empty.email":               "无邮箱",
		"empty":                     "无",

		"btn.confirm":        "确认",
		"btn.edit":           "修改",
		"btn.cancel":         "取消",
		"btn.retry":          "重试",
		"btn.skip":           "跳过",
		"btn.back":           "返回预览",
		"btn.choose":         "%[1]s",
		"btn.create_partner": "新建“%[1]s”",
		"btn.edit_slot":      "%[1]s",
	},
}

// text returns the catalog entry key in lang, falling back to English,
// formatted with args. A missing key returns the key itself, which tests
// catch.
func text(lang, key string, args ...string) string {
	tmpl, ok := catalog[lang][key]
	if !ok {
		tmpl, ok = catalog["en"][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(tmpl, "%[") {
		return tmpl
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return strings.TrimSpace(fmt.Sprintf(tmpl, vals...))
}
