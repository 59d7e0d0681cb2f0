// Package console is a connector that chats on standard input and output.
//
// Each input line is one user message. "/click N" presses button N of the
// latest reply that had buttons, and a line equal to a button's label
// presses that button. With JSON set, every reply is printed as one JSON
// object per line, so scripts can drive the bot and check its answers.
package console
