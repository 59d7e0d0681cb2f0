package slot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date parses raw as a calendar date and returns midnight of that date in
// now's location. Past dates are accepted because a closing date may
// already be over, but impossible dates such as "2026-02-30" are rejected.
//
// Absolute forms: "2026-12-25", "2026/12/25", "2026.12.25", "12/25/2026",
// "2026年12月25日", and with the year left out "12/25", "12月25日",
// "Dec 25", "25 Dec" and "25号". A date without a year is its next
// occurrence: today or later in this year, else next year. A day of the
// month alone is this month unless that day is past.
//
// Slash dates without a leading year are month first ("12/25/2026",
// "5/6" is May 6) unless the first number is over 12. Then they can only
// be day first and are read so ("31/12/2026", "25/12").
//
// Relative forms: "today", "tomorrow", "day after tomorrow", "今天", "明天",
// "后天", "大后天", "in 2 weeks", "3 days from now", "3天后", "两周后",
// "1个月后", "end of month", "end of next month", "end of year", "月底",
// "下个月底", "年底". Adding months keeps the day unless the target month is
// shorter, and then it is that month's last day.
//
// Weekdays follow calendar weeks that start on Monday:
//
//   - "Friday", "this Friday", "周五" and "星期五" are the next Friday,
//     today included. On Friday 2026-12-04 they are 2026-12-04. On
//     Wednesday 2026-12-02 they are 2026-12-04.
//   - "next Friday", "下周五" and "下星期五" are the Friday of the following
//     calendar week. On Friday 2026-12-04 and on Wednesday 2026-12-02 they
//     are both 2026-12-11, because Chinese speakers always mean next week by
//     下周五 and English speakers who want the nearer Friday say "Friday".
//   - "本周五" and "这周五" are the Friday of the current calendar week, which
//     may be in the past.
func Date(raw string, now time.Time) (time.Time, error) {
	text := normalizeDate(raw)
	if text == "" {
		return time.Time{}, invalid(KindDate, raw, "empty")
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())

	for _, form := range dateForms {
		m := form.pattern.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		date, reason := form.resolve(m, today)
		if reason != "" {
			return time.Time{}, invalid(KindDate, raw, reason)
		}
		return date, nil
	}
	return time.Time{}, invalid(KindDate, raw, "not a date")
}

func normalizeDate(raw string) string {
	text := strings.ToLower(foldText(raw))
	text = strings.Join(strings.Fields(text), " ")
	return strings.TrimRight(text, ".。!！")
}

// dateForm resolves text matched by pattern. resolve returns the date or a
// reason why the matched text is not a real date.
type dateForm struct {
	pattern *regexp.Regexp
	resolve func(m []string, today time.Time) (time.Time, string)
}

const (
	monthNames    = `jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|oct|october|nov|november|dec|december`
	weekdayNames  = `mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday|sun|sunday`
	countWords    = `\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten`
	chineseCount  = `\d+|[一二两三四五六七八九十]+`
	ordinalSuffix = `(?:st|nd|rd|th)?`
)

var dateForms = []dateForm{
	{regexp.MustCompile(`^(today|now|今天|今日|tomorrow|明天|明日|day after tomorrow|the day after tomorrow|后天|大后天|yesterday|昨天)$`), resolveKeyword},
	{regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`), resolveYMD(1, 2, 3)},
	{regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$`), resolveYMD(1, 2, 3)},
	{regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$`), resolveSlashDate},
	{regexp.MustCompile(`^(\d{1,2})月(\d{1,2})[日号]?$`), resolveMonthDay},
	{regexp.MustCompile(`^(\d{1,2})[日号]$`), resolveDayOfMonth},
	{regexp.MustCompile(`^(` + monthNames + `)\.? (\d{1,2})` + ordinalSuffix + `(?:,? (\d{4}))?$`), resolveNamedMonth(1, 2, 3)},
	{regexp.MustCompile(`^(\d{1,2})` + ordinalSuffix + ` (?:of )?(` + monthNames + `)\.?(?:,? (\d{4}))?$`), resolveNamedMonth(2, 1, 3)},
	{regexp.MustCompile(`^(?:(this|next|coming|on) )?(` + weekdayNames + `)$`), resolveEnglishWeekday},
	{regexp.MustCompile(`^(下个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天])$`), resolveChineseWeekday},
	{regexp.MustCompile(`^in (` + countWords + `) (day|days|week|weeks|month|months)$`), resolveEnglishOffset},
	{regexp.MustCompile(`^(` + countWords + `) (day|days|week|weeks|month|months) from (?:now|today)$`), resolveEnglishOffset},
	{regexp.MustCompile(`^(` + chineseCount + `)个?(天|日|周|星期|礼拜|月)(?:后|之后|以后)$`), resolveChineseOffset},
	{regexp.MustCompile(`^(?:(?:the )?end of (?:the |this )?month|month end|月底|月末|本月底|本月末|这个月底)$`), resolveMonthEnd(0)},
	{regexp.MustCompile(`^(?:(?:the )?end of next month|下个?月底|下个?月末)$`), resolveMonthEnd(1)},
	{regexp.MustCompile(`^(?:(?:the )?end of (?:the |this )?year|year end|年底|年末|今年年底)$`), resolveYearEnd},
}

func resolveKeyword(m []string, today time.Time) (time.Time, string) {
	days := map[string]int{
		"today": 0, "now": 0, "今天": 0, "今日": 0,
		"tomorrow": 1, "明天": 1, "明日": 1,
		"day after tomorrow": 2, "the day after tomorrow": 2, "后天": 2,
		"大后天": 3, "yesterday": -1, "昨天": -1,
	}
	return today.AddDate(0, 0, days[m[1]]), ""
}

func resolveYMD(year, month, day int) func([]string, time.Time) (time.Time, string) {
	return func(m []string, today time.Time) (time.Time, string) {
		y, _ := strconv.Atoi(m[year])
		mo, _ := strconv.Atoi(m[month])
		d, _ := strconv.Atoi(m[day])
		date, ok := makeDate(y, mo, d, today.Location())
		if !ok {
			return time.Time{}, "impossible date"
		}
		return date, ""
	}
}

// resolveSlashDate resolves "m/d/yyyy" and "m/d", or "d/m/yyyy" and "d/m"
// when the first number is over 12 and so cannot be a month.
func resolveSlashDate(m []string, today time.Time) (time.Time, string) {
	mo, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[2])
	if mo > 12 {
		mo, d = d, mo
	}
	if m[3] == "" {
		return nextMonthDay(mo, d, today)
	}
	y, _ := strconv.Atoi(m[3])
	date, ok := makeDate(y, mo, d, today.Location())
	if !ok {
		return time.Time{}, "impossible date"
	}
	return date, ""
}

func resolveMonthDay(m []string, today time.Time) (time.Time, string) {
	mo, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[2])
	return nextMonthDay(mo, d, today)
}

func resolveNamedMonth(month, day, year int) func([]string, time.Time) (time.Time, string) {
	return func(m []string, today time.Time) (time.Time, string) {
		mo := monthNumber(m[month])
		d, _ := strconv.Atoi(m[day])
		if m[year] == "" {
			return nextMonthDay(mo, d, today)
		}
		y, _ := strconv.Atoi(m[year])
		date, ok := makeDate(y, mo, d, today.Location())
		if !ok {
			return time.Time{}, "impossible date"
		}
		return date, ""
	}
}

func resolveDayOfMonth(m []string, today time.Time) (time.Time, string) {
	d, _ := strconv.Atoi(m[1])
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())
	for i := range 12 {
		month := first.AddDate(0, i, 0)
		date, ok := makeDate(month.Year(), int(month.Month()), d, today.Location())
		if ok && !date.Before(today) {
			return date, ""
		}
	}
	return time.Time{}, "impossible date"
}

func resolveEnglishWeekday(m []string, today time.Time) (time.Time, string) {
	weekday := weekdayNumber(m[2])
	if m[1] == "next" {
		return weekdayInWeek(today, weekday, 1), ""
	}
	return nextWeekday(today, weekday), ""
}

func resolveChineseWeekday(m []string, today time.Time) (time.Time, string) {
	weekday := time.Weekday(strings.Index("日一二三四五六", m[2]) / len("日"))
	if m[2] == "天" {
		weekday = time.Sunday
	}
	switch {
	case strings.HasPrefix(m[1], "下"):
		return weekdayInWeek(today, weekday, 1), ""
	case m[1] != "":
		return weekdayInWeek(today, weekday, 0), ""
	}
	return nextWeekday(today, weekday), ""
}

func resolveEnglishOffset(m []string, today time.Time) (time.Time, string) {
	words := map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3,
		"four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
	n, ok := words[m[1]]
	if !ok {
		n, _ = strconv.Atoi(m[1])
	}
	return addOffset(today, n, strings.TrimSuffix(m[2], "s"))
}

func resolveChineseOffset(m []string, today time.Time) (time.Time, string) {
	n, err := strconv.Atoi(m[1])
	if err != nil {
		value, ok := parseChineseNumeral(m[1])
		if !ok {
			return time.Time{}, "not a number of days"
		}
		n = int(value)
	}
	unit := map[string]string{"天": "day", "日": "day", "周": "week", "星期": "week", "礼拜": "week", "月": "month"}[m[2]]
	return addOffset(today, n, unit)
}

func resolveMonthEnd(months int) func([]string, time.Time) (time.Time, string) {
	return func(_ []string, today time.Time) (time.Time, string) {
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())
		return first.AddDate(0, months+1, -1), ""
	}
}

func resolveYearEnd(_ []string, today time.Time) (time.Time, string) {
	return time.Date(today.Year(), time.December, 31, 0, 0, 0, 0, today.Location()), ""
}

// maxOffsetDays bounds relative offsets so that "in 99999 days" is rejected
// rather than turned into a date centuries away.
const maxOffsetDays = 3660

func addOffset(today time.Time, n int, unit string) (time.Time, string) {
	switch unit {
	case "day":
	case "week":
		n *= 7
	case "month":
		if n > maxOffsetDays/30 {
			return time.Time{}, "offset too large"
		}
		return addMonths(today, n), ""
	}
	if n > maxOffsetDays {
		return time.Time{}, "offset too large"
	}
	return today.AddDate(0, 0, n), ""
}

// addMonths adds n months and clamps the day to the target month's length,
// so January 31 plus one month is the last day of February.
func addMonths(today time.Time, n int) time.Time {
	first := time.Date(today.Year(), today.Month()+time.Month(n), 1, 0, 0, 0, 0, today.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(today.Day(), last)-1)
}

// makeDate returns midnight of y-m-d and false when that date does not
// exist, instead of normalizing it the way time.Date does.
func makeDate(y, m, d int, loc *time.Location) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if date.Day() != d || int(date.Month()) != m {
		return time.Time{}, false
	}
	return date, true
}

// nextMonthDay returns the next month-day today or later. February 29 may
// be up to eight years ahead, across a skipped leap year such as 2100.
func nextMonthDay(month, day int, today time.Time) (time.Time, string) {
	for y := today.Year(); y <= today.Year()+8; y++ {
		date, ok := makeDate(y, month, day, today.Location())
		if ok && !date.Before(today) {
			return date, ""
		}
	}
	return time.Time{}, "impossible date"
}

func nextWeekday(today time.Time, weekday time.Weekday) time.Time {
	days := (int(weekday) - int(today.Weekday()) + 7) % 7
	return today.AddDate(0, 0, days)
}

// weekdayInWeek returns weekday in the calendar week weeks after today's,
// with weeks starting on Monday.
func weekdayInWeek(today time.Time, weekday time.Weekday, weeks int) time.Time {
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*weeks+(int(weekday)+6)%7)
}

func monthNumber(name string) int {
	for i, prefix := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(name, prefix) {
			return i + 1
		}
	}
	return 0
}

func weekdayNumber(name string) time.Weekday {
	for i, prefix := range []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		if strings.HasPrefix(name, prefix) {
			return time.Weekday(i)
		}
	}
	return time.Sunday
}
