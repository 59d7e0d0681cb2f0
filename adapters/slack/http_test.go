package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/crmbot/crmbot/adapters/slack/slacktest"
	"github.com/crmbot/crmbot/bot"
)

// startHTTP serves an http mode Adapter's Handler on 127.0.0.1 and makes
// the fake Slack deliver to it.
func startHTTP(t *testing.T, h bot.HandlerFunc) (*harness, string) {
	t.Helper()
	srv := slacktest.NewServer(t)
	hr := newHarness(t, srv, Config{
		BotToken: slacktest.BotToken, SigningSecret: slacktest.SigningSecret,
		Mode: ModeHTTP, APIURL: srv.APIURL(),
	}, h)
	web := httptest.NewServer(hr.adapter.Handler())
	t.Cleanup(web.Close)
	srv.DeliverHTTP(web.URL, slacktest.SigningSecret)
	return hr, web.URL
}

func TestHTTPDMGetsReply(t *testing.T) {
	hr, _ := startHTTP(t, echoHandler)
	hr.srv.SendDM(testUser, "Acme GmbH")

	msgs := hr.srv.WaitMessages(t, testDM, 1, waitLimit)
	if got, want := len(msgs[0].Buttons), 2; got != want {
		t.Errorf("got %d buttons, want %d", got, want)
	}
	resp := hr.srv.Responses()[0]
	if got, want := resp.Status, http.StatusOK; got != want {
		t.Errorf("got status %d, want %d", got, want)
	}
}

func TestHTTPAnswersBeforeHandler(t *testing.T) {
	release := make(chan struct{})
	hr, _ := startHTTP(t, func(context.Context, bot.Event) []bot.Reply {
		<-release
		return nil
	})
	defer close(release)

	hr.srv.SendDM(testUser, "slow request")
	resp := hr.srv.Responses()[0]
	if got, want := resp.Status, http.StatusOK; got != want {
		t.Errorf("got status %d, want %d", got, want)
	}
	if resp.Elapsed > time.Second {
		t.Errorf("answered after %v, want well under Slack's 3 s", resp.Elapsed)
	}
}

func TestHTTPRetryHandledOnce(t *testing.T) {
	hr, _ := startHTTP(t, echoHandler)
	sent := hr.srv.SendDM(testUser, "Acme GmbH")
	hr.srv.WaitMessages(t, testDM, 1, waitLimit)

	hr.srv.Redeliver(sent.EnvelopeIDs[0])
	settle()
	if got, want := len(hr.recordedEvents()), 1; got != want {
		t.Errorf("got %d handled events after X-Slack-Retry-Num 1, want %d", got, want)
	}
	if got, want := hr.srv.Responses()[1].Status, http.StatusOK; got != want {
		t.Errorf("got status %d for the retry, want %d", got, want)
	}
}

func TestHTTPRejectsBadSignatures(t *testing.T) {
	hr, url := startHTTP(t, echoHandler)
	body := hr.srv.EventBody(hr.srv.DMEvent(testUser, "forged"))
	unsigned, _ := http.NewRequest(http.MethodPost, url+slacktest.EventsPath, nil)

	tests := []struct {
		name string
		req  *http.Request
	}{
		{"unsigned", unsigned},
		{"wrong secret", slacktest.NewSignedRequest(url+slacktest.EventsPath,
			"application/json", body, "not-the-secret", time.Now())},
		{"stale timestamp", slacktest.NewSignedRequest(url+slacktest.EventsPath,
			"application/json", body, slacktest.SigningSecret, time.Now().Add(-6*time.Minute))},
		{"forged click", slacktest.NewSignedRequest(url+slacktest.InteractionsPath,
			"application/x-www-form-urlencoded", []byte("payload=%7B%7D"), "not-the-secret", time.Now())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.DefaultClient.Do(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
				t.Errorf("got status %d, want %d", got, want)
			}
		})
	}
	settle()
	if got := hr.recordedEvents(); len(got) != 0 {
		t.Errorf("got %d handled events from rejected requests, want 0", len(got))
	}
}

func TestHTTPURLVerification(t *testing.T) {
	_, url := startHTTP(t, echoHandler)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	req := slacktest.NewSignedRequest(url+slacktest.EventsPath, "application/json", body,
		slacktest.SigningSecret, time.Now())

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Challenge string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if want := "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"; got.Challenge != want {
		t.Errorf("got challenge %q, want %q", got.Challenge, want)
	}
}

func TestHTTPClickUpdatesPreview(t *testing.T) {
	hr, _ := startHTTP(t, echoHandler)
	hr.srv.SendDM(testUser, "Acme GmbH")
	preview := hr.srv.WaitMessages(t, testDM, 1, waitLimit)[0]

	hr.srv.Click(preview.TS, "confirm:1", testUser)
	waitFor(t, "the preview to be updated", func() bool { return hr.srv.Messages(testDM)[0].Updates == 1 })
	if got := hr.srv.Messages(testDM)[0].Buttons; len(got) != 0 {
		t.Errorf("got buttons %+v after the update, want none", got)
	}
	if got, want := hr.srv.Responses()[1].Status, http.StatusOK; got != want {
		t.Errorf("got click status %d, want %d", got, want)
	}
}

func TestHTTPRunReturnsOnCancel(t *testing.T) {
	srv := slacktest.NewServer(t)
	a, err := New(Config{
		BotToken: slacktest.BotToken, SigningSecret: slacktest.SigningSecret,
		Mode: ModeHTTP, Addr: "127.0.0.1:0", APIURL: srv.APIURL(),
	}, bot.HandlerFunc(echoHandler), nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Run did not return within %v of cancel", waitLimit)
	}
}
