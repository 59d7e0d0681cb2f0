package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/adapters/adaptertest"
	"github.com/crmbot/crmbot/adapters/console"
	"github.com/crmbot/crmbot/bot"
)

// contractHarness drives the console connector through pipes, reading its
// JSON lines. A reply marked "replaces" takes the place of the message
// whose button was clicked, as a chat client would show it.
type contractHarness struct {
	in *io.PipeWriter

	mu       sync.Mutex
	messages []adaptertest.Message
	clicked  int
}

func (h *contractHarness) Start(t *testing.T, handler bot.Handler) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	h.in = inW
	a := console.New(console.Config{In: inR, Out: outW, JSON: true}, handler, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx); outW.Close() }()
	go h.read(outR)
	t.Cleanup(func() {
		inW.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func (h *contractHarness) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var reply console.JSONReply
		if json.Unmarshal(sc.Bytes(), &reply) != nil {
			continue
		}
		m := adaptertest.Message{Text: reply.Text, Buttons: reply.Buttons}
		h.mu.Lock()
		if reply.Replaces && h.clicked >= 0 && h.clicked < len(h.messages) {
			h.messages[h.clicked] = m
			h.clicked = -1
		} else {
			h.messages = append(h.messages, m)
		}
		h.mu.Unlock()
	}
}

func (h *contractHarness) SendText(t *testing.T, text string) {
	if _, err := fmt.Fprintln(h.in, text); err != nil {
		t.Fatal(err)
	}
}

func (h *contractHarness) Click(t *testing.T, index int, label string) {
	h.mu.Lock()
	h.clicked = index
	h.mu.Unlock()
	h.SendText(t, label)
}

func (h *contractHarness) RedeliverLast(t *testing.T) {
	t.Skip("a console line is read once; nothing is redelivered")
}

func (h *contractHarness) Messages(t *testing.T) []adaptertest.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]adaptertest.Message(nil), h.messages...)
}

func TestConnectorContract(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adaptertest.Harness { return &contractHarness{clicked: -1} })
}
