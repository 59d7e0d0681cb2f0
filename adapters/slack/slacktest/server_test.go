package slacktest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

func TestPostMessageRejectsOverLimitBlocks(t *testing.T) {
	srv := NewServer(t)
	api := slack.New(BotToken, slack.OptionAPIURL(srv.APIURL()))
	long := slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", strings.Repeat("a", 3001), false, false), nil, nil)

	_, _, err := api.PostMessage("D1", slack.MsgOptionBlocks(long))
	if got, want := err, "invalid_blocks"; got == nil || got.Error() != want {
		t.Errorf("got error %v, want %s", got, want)
	}
}

func TestUpdateRemovesButtons(t *testing.T) {
	srv := NewServer(t)
	api := slack.New(BotToken, slack.OptionAPIURL(srv.APIURL()))
	label := slack.NewTextBlockObject("plain_text", "OK", false, false)
	_, ts, err := api.PostMessage("D1", slack.MsgOptionText("hi", false), slack.MsgOptionBlocks(
		slack.NewActionBlock("b1", slack.NewButtonBlockElement("a1", "v1", label))))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage("D1", ts, slack.MsgOptionText("done", false)); err != nil {
		t.Fatal(err)
	}
	m := srv.Messages("D1")[0]
	if len(m.Buttons) != 0 || m.Updates != 1 || m.Text != "done" {
		t.Errorf("got %+v, want text done, 1 update and no buttons", m)
	}
}

func TestRateLimitIsRateLimitedError(t *testing.T) {
	srv := NewServer(t)
	srv.FailNext("auth.test", http.StatusTooManyRequests, "", 7)
	_, err := slack.New(BotToken, slack.OptionAPIURL(srv.APIURL())).AuthTest()
	rl, ok := err.(*slack.RateLimitedError)
	if !ok || rl.RetryAfter != 7*time.Second {
		t.Errorf("got %#v, want a RateLimitedError of 7s", err)
	}
}

func TestSocketSendsHelloAndPings(t *testing.T) {
	srv := NewServer(t)
	srv.PingInterval = 20 * time.Millisecond
	_, wsURL, err := slack.New("", slack.OptionAPIURL(srv.APIURL()),
		slack.OptionAppLevelToken(AppToken)).StartSocketModeContext(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	header := http.Header{"Origin": {slackOrigin}}
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, header)
	if err != nil {
		t.Fatalf("dial with Origin %s: %v", slackOrigin, err)
	}
	defer conn.Close()
	pings := make(chan struct{}, 10)
	conn.SetPingHandler(func(string) error { pings <- struct{}{}; return nil })

	var hello struct{ Type string }
	if err := conn.ReadJSON(&hello); err != nil || hello.Type != "hello" {
		t.Fatalf("got first frame %+v (%v), want hello", hello, err)
	}
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	select {
	case <-pings:
	case <-time.After(2 * time.Second):
		t.Error("no WebSocket ping within 2s")
	}
}

func TestSocketRejectsForeignOrigin(t *testing.T) {
	srv := NewServer(t)
	wsURL := "ws" + strings.TrimPrefix(srv.srv.URL, "http") + "/link/?" + url.Values{"ticket": {"1"}}.Encode()
	_, resp, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Origin": {"https://evil.test"}})
	if err == nil {
		t.Fatal("dial with a foreign Origin: got nil error")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("got response %v, want 403", resp)
	}
}
