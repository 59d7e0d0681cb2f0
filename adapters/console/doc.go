// Package console is a connector that chats on standard input and output.
//
// Each input line is one user message; empty lines and lines starting with
// "#" (comments in scripts) are skipped. "/click N" presses button N of the
// bot's latest answer, and a line equal to one of its button labels
// presses that button. With JSON set, every reply is printed as one JSON
// object per line, so scripts can drive the bot and check its answers.
package console
