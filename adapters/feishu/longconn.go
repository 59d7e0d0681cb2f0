package feishu

import (
	"context"
	"fmt"

	larkevent "github.com/larksuite/oapi-sdk-go/v3/event"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher"
	"github.com/larksuite/oapi-sdk-go/v3/event/dispatcher/callback"
	larkws "github.com/larksuite/oapi-sdk-go/v3/ws"
)

// runLongConnection receives events over the SDK's long connection until
// ctx is cancelled. The SDK reconnects on its own after a network error.
func (a *Adapter) runLongConnection(ctx context.Context) error {
	client := larkws.NewClient(a.cfg.AppID, a.cfg.AppSecret,
		larkws.WithEventHandler(a.eventDispatcher()),
		larkws.WithDomain(a.cfg.Domain),
		larkws.WithHttpClient(a.cfg.HTTPClient),
		larkws.WithLogger(sdkLogger{a.logger}),
		larkws.WithLogLevel(sdkLogLevel),
		larkws.WithOnError(func(err error) {
			a.logger.Warn("feishu long connection error", "error", err)
		}),
	)
	err := client.Start(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("feishu: long connection: %w", err)
}

// eventDispatcher routes long-connection events. Messages are taken raw
// and decoded by the same code as HTTP callbacks. The SDK acknowledges
// each frame when its handler returns, so handlers return at once and
// the work goes on in the background.
//
// Card actions use the SDK's typed callback, because only a callback
// handler's result becomes the answer (toast and card) in the frame's
// acknowledgement.
//
// NOTE: the SDK (v3.13.0) decodes action.value only as an object. A
// click on a foreign card whose value is a string fails in the SDK
// before this connector sees it, and Feishu shows its own error instead
// of the "not understood" toast that HTTP callbacks get.
func (a *Adapter) eventDispatcher() *dispatcher.EventDispatcher {
	d := dispatcher.NewEventDispatcher("", "")
	d.InitConfig(larkevent.WithLogger(sdkLogger{a.logger}), larkevent.WithLogLevel(sdkLogLevel))

	d.OnCustomizedEvent(eventMessageReceive, func(_ context.Context, req *larkevent.EventReq) error {
		a.acceptMessage(req.Body)
		return nil
	})
	d.OnP2CardActionTrigger(func(_ context.Context, ev *callback.CardActionTriggerEvent,
	) (*callback.CardActionTriggerResponse, error) {
		return a.answerCardAction(actionFromSDK(ev)), nil
	})
	return d
}
