package console

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot"
)

// maxLine is the longest input line accepted, in bytes.
const maxLine = 64 * 1024

// Config configures a console connector. Zero values: chat and user
// "console", human-readable output.
type Config struct {
	In  io.Reader
	Out io.Writer
	// JSON prints each reply as one JSON object per line.
	JSON bool
	// ChatID and UserID name the conversation.
	ChatID string
	UserID string
	// Prompt prints "> " before reading each line (for a terminal).
	Prompt bool
}

// Adapter runs one console conversation.
type Adapter struct {
	cfg Config
	h   bot.Handler
	log *slog.Logger
	// buttons are those of the bot's latest answer: the last reply with
	// buttons among the replies to the latest message, or none.
	buttons []bot.Button
	seq     int
}

// New returns a console connector that passes lines to h.
func New(cfg Config, h bot.Handler, logger *slog.Logger) *Adapter {
	if cfg.ChatID == "" {
		cfg.ChatID = "console"
	}
	if cfg.UserID == "" {
		cfg.UserID = "console"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Adapter{cfg: cfg, h: h, log: logger}
}

// JSONReply is the JSON form of one reply.
type JSONReply struct {
	Text     string      `json:"text"`
	Fields   []JSONField `json:"fields,omitempty"`
	Buttons  []string    `json:"buttons"`
	Record   *JSONRecord `json:"record,omitempty"`
	Replaces bool        `json:"replaces,omitempty"`
	Error    string      `json:"error,omitempty"`
}

// JSONField is one preview line.
type JSONField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// JSONRecord names the Odoo record an action wrote.
type JSONRecord struct {
	Model string `json:"model"`
	ID    int64  `json:"id"`
	URL   string `json:"url,omitempty"`
}

// Run reads lines until the input ends or ctx is cancelled. It returns
// nil at the end of the input.
func (a *Adapter) Run(ctx context.Context) error {
	lines := make(chan inputLine)
	errc := make(chan error, 1)
	go func() {
		// errc receives the outcome before lines closes, so the loop below
		// reads it without blocking.
		var readErr error
		defer func() {
			errc <- readErr
			close(lines)
		}()
		r := bufio.NewReaderSize(a.cfg.In, 4096)
		for {
			line, err := readLine(r)
			if errors.Is(err, io.EOF) {
				return
			}
			tooLong := errors.Is(err, errLineTooLong)
			if err != nil && !tooLong {
				readErr = err
				return
			}
			select {
			case lines <- inputLine{text: line, tooLong: tooLong}:
			case <-ctx.Done():
				return
			}
		}
	}()

	for {
		a.prompt()
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("read console input: %w", err)
				}
				return nil
			}
			if err := a.handleLine(ctx, line); err != nil {
				return err
			}
		}
	}
}

func (a *Adapter) prompt() {
	if a.cfg.Prompt && !a.cfg.JSON {
		fmt.Fprint(a.cfg.Out, "> ")
	}
}

// errLineTooLong reports an input line over maxLine bytes; the rest of
// the line is read and dropped.
var errLineTooLong = errors.New("line too long")

// inputLine is one line of input, or the report of a dropped long line.
type inputLine struct {
	text    string
	tooLong bool
}

// readLine reads one line without its end-of-line characters. A line
// over maxLine bytes is consumed and reported as errLineTooLong.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, isPrefix, err := r.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (len(buf) > 0 || tooLong) {
				break
			}
			return "", err
		}
		if !tooLong {
			buf = append(buf, chunk...)
			tooLong = len(buf) > maxLine
		}
		if !isPrefix {
			break
		}
	}
	if tooLong {
		return "", errLineTooLong
	}
	return string(buf), nil
}

func (a *Adapter) handleLine(ctx context.Context, in inputLine) error {
	if in.tooLong {
		return a.print(bot.Reply{}, fmt.Sprintf("That line is over %d KiB and was skipped: send shorter messages.", maxLine/1024))
	}
	line := strings.TrimSpace(in.text)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	a.seq++
	ev := bot.Event{
		Platform:  "console",
		ChatID:    a.cfg.ChatID,
		UserID:    a.cfg.UserID,
		UserName:  a.cfg.UserID,
		MessageID: strconv.Itoa(a.seq),
	}
	token, isClick, problem := a.button(line)
	switch {
	case problem != "":
		return a.print(bot.Reply{}, problem)
	case isClick:
		ev.Action = token
	default:
		ev.Text = line
	}
	replies := a.h.Handle(ctx, ev)
	a.buttons = nil
	for _, r := range replies {
		if len(r.Buttons) > 0 {
			a.buttons = r.Buttons
		}
		if err := a.print(r, ""); err != nil {
			return err
		}
	}
	return nil
}

// button resolves "/click N" or a button label to a token. problem is a
// message for the user when the line names a button that does not exist.
func (a *Adapter) button(line string) (token string, ok bool, problem string) {
	if rest, found := strings.CutPrefix(line, "/click"); found {
		arg := strings.TrimSpace(rest)
		n, err := strconv.Atoi(arg)
		switch {
		case len(a.buttons) == 0:
			return "", false, "There are no buttons to click: the latest reply has none."
		case arg == "":
			return "", false, fmt.Sprintf("/click needs a button number from 1 to %d.", len(a.buttons))
		case err != nil || n < 1 || n > len(a.buttons):
			return "", false, fmt.Sprintf("There is no button %q: use /click with a number from 1 to %d.",
				strings.TrimSpace(rest), len(a.buttons))
		}
		return a.buttons[n-1].Token, true, ""
	}
	for _, b := range a.buttons {
		if strings.EqualFold(b.Label, line) {
			return b.Token, true, ""
		}
	}
	return "", false, ""
}

// print writes one reply, or a console-level problem when problem is set.
func (a *Adapter) print(r bot.Reply, problem string) error {
	var err error
	if a.cfg.JSON {
		err = a.printJSON(r, problem)
	} else {
		err = a.printText(r, problem)
	}
	if err != nil {
		return fmt.Errorf("write console output: %w", err)
	}
	return nil
}

func (a *Adapter) printJSON(r bot.Reply, problem string) error {
	out := JSONReply{Text: r.Text, Buttons: []string{}, Replaces: r.ReplaceSource, Error: problem}
	for _, f := range r.Fields {
		out.Fields = append(out.Fields, JSONField{Label: f.Label, Value: f.Value})
	}
	for _, b := range r.Buttons {
		out.Buttons = append(out.Buttons, b.Label)
	}
	if r.Record != nil {
		out.Record = &JSONRecord{Model: r.Record.Model, ID: r.Record.ID, URL: r.Record.URL}
	}
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.cfg.Out, "%s\n", data)
	return err
}

func (a *Adapter) printText(r bot.Reply, problem string) error {
	var b strings.Builder
	if problem != "" {
		b.WriteString("! " + problem + "\n")
		_, err := io.WriteString(a.cfg.Out, b.String())
		return err
	}
	for i, line := range strings.Split(r.Text, "\n") {
		if i == 0 {
			b.WriteString("bot: " + line + "\n")
		} else {
			b.WriteString("     " + line + "\n")
		}
	}
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "     %s: %s\n", f.Label, f.Value)
	}
	if r.Record != nil && r.Record.URL != "" {
		fmt.Fprintf(&b, "     %s\n", r.Record.URL)
	}
	if len(r.Buttons) > 0 {
		labels := make([]string, len(r.Buttons))
		for i, btn := range r.Buttons {
			labels[i] = fmt.Sprintf("[%d] %s", i+1, btn.Label)
		}
		fmt.Fprintf(&b, "     %s   (/click N)\n", strings.Join(labels, "  "))
	}
	_, err := io.WriteString(a.cfg.Out, b.String())
	return err
}
