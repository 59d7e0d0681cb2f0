package slot

import "strings"

// foldWidth maps a full-width ASCII variant (U+FF01 to U+FF5E) and the
// ideographic space (U+3000) to its ASCII form and leaves other runes alone.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// foldText returns s with every rune passed through foldWidth. Because the
// fold maps one rune to one rune, rune positions match between s and the
// result.
func foldText(s string) string {
	return strings.Map(foldWidth, s)
}

// foldWithOffsets folds s and returns, for each byte offset in the folded
// text plus its end, the matching byte offset in s. The offsets let a match
// found in the folded text be cut from the raw text.
func foldWithOffsets(s string) (string, []int) {
	var b strings.Builder
	offsets := make([]int, 0, len(s)+1)
	for i, r := range s {
		before := b.Len()
		b.WriteRune(foldWidth(r))
		for range b.Len() - before {
			offsets = append(offsets, i)
		}
	}
	offsets = append(offsets, len(s))
	return b.String(), offsets
}
