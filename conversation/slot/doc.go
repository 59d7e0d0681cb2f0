// Package slot validates and normalizes the raw slot values that users type
// in chat, in English or Simplified Chinese.
//
// Each parser takes the text as the user wrote it and returns the value to
// store, or an *Error naming the kind of value, the raw text and a short
// reason for logs. Full-width characters ("１３８", "＋", "＠") are folded to
// their ASCII forms before parsing, because Chinese input methods produce
// them.
//
//   - Phone returns the number in international format ("+86 138 0013 8000").
//   - Email returns the address lower-cased.
//   - Amount returns a positive number of currency units ("5万" is 50000).
//     It rejects negative amounts with any minus sign or dash, and
//     percentages ("50%").
//   - Date returns midnight of a calendar date in the location of now.
//     Slash dates are month first unless the first number is over 12.
//
// FindPhone and FindEmail locate a value inside free text. They return a
// whole token as the user wrote it and skip a token that is not wholly a
// value, rather than cut a value out of it. They check only that the value
// is plausible, and the caller still runs Phone or Email on what they
// return.
package slot
