package slack

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// runSocket connects over Socket Mode and handles envelopes until ctx is
// cancelled. slack-go reconnects on its own after a disconnect or a
// missing ping; only a rejected app token ends the loop early.
func (a *Adapter) runSocket(ctx context.Context) error {
	client := socketmode.New(a.api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()

	a.logger.Info("slack socket mode started", "bot_user", a.botUserID)
	defer a.logger.Info("slack socket mode stopped", "bot_user", a.botUserID)
	for {
		select {
		case <-ctx.Done():
			<-runErr
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			if isAuthError(err) {
				return fmt.Errorf("%w: apps.connections.open: %v; check Config.AppToken, "+
					"an app-level token (xapp-...) with the connections:write scope",
					ErrUnauthorized, err)
			}
			return fmt.Errorf("slack: socket mode: %w", err)
		case evt := <-client.Events:
			a.onSocketEvent(ctx, client, evt)
		}
	}
}

// onSocketEvent acknowledges an envelope at once, before any other work,
// so Slack does not deliver it again, then passes it on. The handler runs
// in its own goroutine, so the next envelope is read without waiting.
func (a *Adapter) onSocketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
			a.logger.Error("slack ack failed", "envelope_id", evt.Request.EnvelopeID, "error", err)
		}
	}

	switch evt.Type {
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok {
			a.logger.Warn("slack envelope skipped: unexpected events_api data")
			return
		}
		a.onEventsAPI(ev, evt.Request.RetryAttempt)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			a.logger.Warn("slack envelope skipped: unexpected interactive data")
			return
		}
		a.onClick(cb, evt.Request.RetryAttempt)
	default:
		a.logConnectionEvent(evt)
	}
}

// onEventsAPI passes message and app_mention events on and skips the rest.
func (a *Adapter) onEventsAPI(ev slackevents.EventsAPIEvent, retry int) {
	if ev.Type != slackevents.CallbackEvent {
		a.logger.Debug("slack event skipped", "reason", "outer type "+ev.Type)
		return
	}
	switch inner := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		a.onMessage(fromMessage(inner), retry)
	case *slackevents.AppMentionEvent:
		a.onMessage(fromMention(inner), retry)
	default:
		a.logger.Debug("slack event skipped", "reason", "event type "+ev.InnerEvent.Type)
	}
}

// logConnectionEvent logs the connection events of slack-go's Socket Mode
// client.
func (a *Adapter) logConnectionEvent(evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		a.logger.Info("slack socket mode connected")
	case socketmode.EventTypeConnectionError:
		var err error
		if e, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			err = e.ErrorObj
		}
		a.logger.Warn("slack socket mode connection failed, retrying", "error", err)
	case socketmode.EventTypeDisconnect:
		a.logger.Info("slack socket mode disconnect requested, reconnecting")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage,
		socketmode.EventTypeErrorWriteFailed:
		a.logger.Warn("slack socket mode error", "event", string(evt.Type), "error", eventError(evt))
	default:
		a.logger.Debug("slack socket mode event", "event", string(evt.Type))
	}
}

// eventError returns the cause carried by a Socket Mode error event.
func eventError(evt socketmode.Event) error {
	switch d := evt.Data.(type) {
	case *slack.IncomingEventError:
		return d.ErrorObj
	case *socketmode.ErrorBadMessage:
		return d.Cause
	case *socketmode.ErrorWriteFailed:
		return d.Cause
	}
	return errors.New("unknown error event")
}
